"""Web and folder sources against a local server and real files: limits, politeness, resumption."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from test_loop_support import PinterestFake, board_html, photo_variants, pin_path

from stickerstudio_desktop.errors import ConfigError
from trainer.settings import TrainerSettings
from trainer.sources import SourceSkip, SourceStop, open_source, parse_source
from trainer.sources.http import PoliteClient
from trainer.sources.pinterest import PinterestSource, start_url
from trainer.state import TrainerState


@pytest.fixture()
def fake():
    server = PinterestFake()
    yield server
    server.close()


@pytest.fixture()
def state(tmp_path):
    return TrainerState(tmp_path / "state.sqlite3")


def client(**kw) -> PoliteClient:
    s = TrainerSettings(request_interval=kw.pop("interval", 0.0), max_image_bytes=kw.pop("max_bytes", 10 << 20))
    return PoliteClient.from_settings(s)


def test_specs_are_parsed_or_refused():
    assert parse_source("folder:/tmp/x").kind == "folder"
    assert parse_source("pinterest:https://www.pinterest.com/u/board/").value.startswith("https://")
    assert parse_source("stickers").kind == "stickers"
    for bad in ("pinterest:", "folder", "s3:bucket", ""):
        with pytest.raises(ConfigError):
            parse_source(bad)
    assert start_url("cute cats", "https://www.pinterest.com") == \
        "https://www.pinterest.com/search/pins/?q=cute+cats&rs=typed"


def test_board_pages_are_followed_and_position_resumes(fake, state):
    photos = photo_variants()
    hashes = [fake.add_pin(p) for p in photos[:6]]
    fake.pages["/board/"] = board_html(hashes[:4], next_href="/board/?page=2")
    fake.pages["/board/?page=2"] = board_html(hashes[4:])
    src = PinterestSource(f"{fake.url}/board/", client=client(), base_url="-", image_base=fake.url)
    got = []
    for cand in src.candidates(state):
        got.append(cand.fetch())
        state.mark(cand.key, "pinterest", "added")
        if len(got) == 3:
            break
    assert got == photos[:3]
    assert state.cursor(src.key) == {}  # stopped inside page 1: it is worked on again next time
    rest = []
    for cand in src.candidates(state):
        rest.append(cand.fetch())
        state.mark(cand.key, "pinterest", "added")
    assert rest == photos[3:6]  # nothing seen is offered twice
    assert fake.requested("/736x/") == [f"/736x/{pin_path(h)}" for h in hashes]
    assert list(src.candidates(state)) == []


def test_requests_are_polite(fake, state):
    hashes = [fake.add_pin(p) for p in photo_variants()[:3]]
    fake.pages["/b/"] = board_html(hashes)
    ua = TrainerSettings().user_agent
    src = PinterestSource(f"{fake.url}/b/", client=client(interval=0.2), base_url="-", image_base=fake.url)
    for cand in src.candidates(state):
        cand.fetch()
    assert all(r["ua"] == ua and "Mozilla/5.0" in ua for r in fake.log)
    times = [r["t"] for r in fake.log]
    assert len(times) == 4 and min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.18


def test_limits_on_type_size_and_status(fake, state):
    big = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (400, 400, 3), np.uint8)).save(big, "PNG")
    h_big = fake.add_pin(big.getvalue(), "image/png")
    h_html = fake.add_pin(b"<html>not an image</html>", "text/html")
    fake.pages["/b/"] = board_html([h_big, h_html, "d" * 32])
    src = PinterestSource(f"{fake.url}/b/", client=client(max_bytes=100_000), base_url="-", image_base=fake.url)
    reasons = []
    for cand in src.candidates(state):
        with pytest.raises(SourceSkip) as exc:
            cand.fetch()
        reasons.append(exc.value.reason)
    assert reasons == ["too_large", "bad_type", "network"]  # the third pin is a 404


def test_a_refusing_site_stops_the_source(state):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Refuse(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_error(429)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        src = PinterestSource("cats", client=client(), base_url=f"http://127.0.0.1:{server.server_port}")
        with pytest.raises(SourceStop, match="429"):
            list(src.candidates(state))
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_host_is_a_network_skip(state):
    src = PinterestSource("http://127.0.0.1:9/board/", client=client(), base_url="-")
    with pytest.raises(SourceSkip) as exc:
        list(src.candidates(state))
    assert exc.value.reason == "network"


def test_folder_source_reads_each_file_once_and_never_modifies_it(tmp_path, state):
    folder = tmp_path / "pics"
    (folder / "sub").mkdir(parents=True)
    data = photo_variants()[:2]
    (folder / "a.jpg").write_bytes(data[0])
    (folder / "sub" / "b.JPG").write_bytes(data[1])
    (folder / "notes.txt").write_text("not an image")
    src = open_source(f"folder:{folder}", None, TrainerSettings())
    cands = list(src.candidates(state))
    assert [c.fetch() for c in cands] == data
    for c in cands:
        state.mark(c.key, "folder", "added")
    assert list(src.candidates(state)) == []
    (folder / "a.jpg").write_bytes(data[1])  # changed file: offered again
    assert len(list(src.candidates(state))) == 1
    assert sorted(p.name for p in folder.rglob("*")) == ["a.jpg", "b.JPG", "notes.txt", "sub"]


def test_missing_folder_and_oversized_file(tmp_path, state):
    with pytest.raises(SourceSkip, match="does not exist"):
        list(open_source(f"folder:{tmp_path / 'gone'}", None, TrainerSettings()).candidates(state))
    (tmp_path / "big.png").write_bytes(b"\0" * 5000)
    src = open_source(f"folder:{tmp_path}", None, TrainerSettings(max_image_bytes=4096))
    with pytest.raises(SourceSkip) as exc:
        next(iter(src.candidates(state))).fetch()
    assert exc.value.reason == "too_large"
