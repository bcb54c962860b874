"""What a drop or paste carries, and URLs dragged in from a browser (served locally)."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QImage

from stickerstudio_desktop.errors import ImageLoadError
from stickerstudio_desktop.jobs.download import check_url, download_image
from stickerstudio_desktop.ui.drop_zone import payload_from_mime
from tests.conftest import SAMPLES
from tests.ui.helpers import wait_for_sticker, wait_idle


@pytest.fixture
def web_server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving resources/samples plus a junk file."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "cat.jpg").write_bytes((SAMPLES / "chelsea.jpg").read_bytes())
    (root / "page.html").write_text("<html>not an image</html>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_payload_prefers_files_then_bytes_then_url(qapp, tmp_path):
    m = QMimeData()
    m.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.jpg")), QUrl("https://example.com/b.png")])
    assert payload_from_mime(m).files == [tmp_path / "a.jpg"]

    m = QMimeData()
    m.setUrls([QUrl("https://example.com/pics/b.png")])
    m.setData("image/png", b"\x89PNG fake")
    p = payload_from_mime(m)
    assert p.data == b"\x89PNG fake" and p.name == "b.png" and p.url is None

    m = QMimeData()
    m.setImageData(QImage(str(SAMPLES / "coffee.jpg")))
    p = payload_from_mime(m)
    assert p.data.startswith(b"\x89PNG")

    m = QMimeData()
    m.setUrls([QUrl("https://example.com/c.webp")])
    assert payload_from_mime(m).url == "https://example.com/c.webp"

    m = QMimeData()
    m.setText("  https://example.com/d.jpg \n")
    assert payload_from_mime(m).url == "https://example.com/d.jpg"

    m = QMimeData()
    m.setText("hello")
    assert payload_from_mime(m) is None
    assert payload_from_mime(None) is None


def test_only_web_urls_are_fetched():
    assert check_url(" https://example.com/x.jpg ") == "https://example.com/x.jpg"
    for bad in ("ftp://example.com/x.jpg", "file:///etc/passwd", "javascript:alert(1)", "https://"):
        with pytest.raises(ImageLoadError):
            check_url(bad)


def test_download_is_capped_and_reports_http_errors(web_server):
    with pytest.raises(ImageLoadError, match="larger than"):
        download_image(f"{web_server}/cat.jpg", max_bytes=1024)
    with pytest.raises(ImageLoadError, match="404"):
        download_image(f"{web_server}/missing.jpg")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ImageLoadError, match="cancelled"):
        download_image(f"{web_server}/cat.jpg", cancel)
    assert download_image(f"{web_server}/cat.jpg") == (SAMPLES / "chelsea.jpg").read_bytes()


def test_url_dropped_from_browser_becomes_sticker(qtbot, window, web_server):
    from tests.ui.test_ui_editor import drop

    m = QMimeData()
    m.setUrls([QUrl(f"{web_server}/cat.jpg")])
    drop(window.drop_zone, m)
    wait_for_sticker(qtbot, window)
    assert window.controller.source_label == "cat.jpg"
    assert window.controller.source_meta["source_url"].endswith("/cat.jpg")


def test_url_to_a_web_page_is_explained(qtbot, window, web_server):
    window.controller.open_url(f"{web_server}/page.html")
    qtbot.waitUntil(lambda: window.message_bar.isVisible() and window.message_bar.level == "error",
                    timeout=30_000)
    wait_idle(qtbot, window)
    assert "page.html" in window.message_bar.text_label.text()
    assert window.controller.sticker is None
