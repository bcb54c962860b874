"""The editor end to end: real photos, the real engine, the real window."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from tests.conftest import SAMPLES
from tests.ui.helpers import wait_for_sticker, wait_idle


def drop(widget, mime: QMimeData) -> None:
    """Deliver a real drag-enter + drop to *widget*, as a drag from another app would."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the drop zone refused the drag"
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def file_mime(*paths) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def alpha_of(qimage: QImage) -> np.ndarray:
    img = qimage.convertToFormat(QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., 3]


def test_drop_file_shows_sticker(qtbot, window, sample):
    assert window.drop_zone.stack.currentWidget() is window.drop_zone.empty
    drop(window.drop_zone, file_mime(sample))
    wait_for_sticker(qtbot, window)

    assert window.drop_zone.stack.currentWidget() is window.preview
    assert window.preview.has_sticker
    alpha = alpha_of(window.controller.sticker.image)
    assert alpha.min() == 0 and alpha.max() == 255  # a cut-out: clear background, solid subject
    assert window.steps.timings.get("segment", 0) > 0 and "compose" in window.steps.timings
    assert "chelsea" in window.windowTitle()
    assert window.save_action.isEnabled() and window.copy_action.isEnabled()
    assert not window.message_bar.isVisible()


def test_caption_edit_recomposes_without_resegmenting(qtbot, window, sample):
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    c = window.controller
    analysis, runs, composes = c.photo.analysis, c.analyse_runs, c.compose_runs
    before = alpha_of(c.sticker.image).copy()

    qtbot.keyClicks(window.controls.caption, "Hi!")
    qtbot.waitUntil(lambda: c.sticker.made.style.caption == "Hi!" and not c.busy, timeout=30_000)

    assert c.photo.analysis is analysis  # the same analysis object: no new segmentation
    assert c.analyse_runs == runs
    assert c.compose_runs > composes
    assert c.sticker.made.analysis is analysis
    assert not np.array_equal(alpha_of(c.sticker.image), before)  # the caption is drawn

    window.controls.text_colour.set_colour("#FF0000")
    qtbot.waitUntil(lambda: c.sticker.made.style.text_color == "#FF0000" and not c.busy, timeout=30_000)
    assert c.analyse_runs == runs and c.photo.analysis is analysis


def test_save_writes_into_library_and_chosen_file(qtbot, window, sample, tmp_path):
    window.controls.set_caption("Saved cat")
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    with qtbot.waitSignal(window.controller.saved, timeout=30_000) as saved:
        window.save_action.trigger()
    entry, written = saved.args
    assert written is None
    lib = window.controller.library
    assert [e.id for e in lib.items()] == [entry.id]
    assert entry.path.is_file() and entry.path.is_relative_to(window.paths.library)
    assert entry.title == "Saved cat" and entry.meta["source_name"] == "chelsea.jpg"
    with Image.open(entry.path) as im:  # WhatsApp preset by default
        assert im.format == "WEBP" and im.size == (512, 512)
    assert "save" in window.steps.timings

    # Export: into the library again and to the chosen file; the suffix follows the preset's format.
    with qtbot.waitSignal(window.controller.saved, timeout=30_000) as saved:
        window.controller.save(tmp_path / "out" / "cat.png")
    _, written = saved.args
    assert written.path == tmp_path / "out" / "cat.webp" and written.path.is_file()
    assert "because the preset writes WEBP" in written.note
    assert len(lib.items()) == 2


def test_copy_puts_png_with_alpha_on_clipboard(qtbot, window, sample):
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(window.controller.copied, timeout=30_000):
        window.copy_action.trigger()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat("image/png") and mime.hasImage()
    with Image.open(io.BytesIO(bytes(mime.data("image/png")))) as im:
        assert im.mode == "RGBA"
        lo, hi = im.getchannel("A").getextrema()
        assert lo == 0 and hi == 255
        assert max(im.size) == 512
    assert QGuiApplication.clipboard().image().hasAlphaChannel()


def test_bad_file_shows_message_and_app_stays_usable(qtbot, window, tmp_path, sample):
    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG" * 10)
    drop(window.drop_zone, file_mime(bad))
    qtbot.waitUntil(lambda: window.message_bar.isVisible() and window.message_bar.level == "error",
                    timeout=30_000)
    assert "holiday.jpg" in window.message_bar.text_label.text()
    assert window.controller.sticker is None
    wait_idle(qtbot, window)

    drop(window.drop_zone, file_mime(sample))  # still alive and working
    wait_for_sticker(qtbot, window)
    assert window.preview.has_sticker


def test_paste_image_from_clipboard(qtbot, window):
    QGuiApplication.clipboard().setImage(QImage(str(SAMPLES / "coffee.jpg")))
    window.paste_action.trigger()
    wait_for_sticker(qtbot, window)
    assert window.controller.source_label == "pasted image"
    assert window.preview.has_sticker


def test_paste_without_image_explains(qtbot, window):
    QGuiApplication.clipboard().setText("just some words")
    window.paste_action.trigger()
    assert window.message_bar.isVisible() and "no image" in window.message_bar.text_label.text()


def test_dropped_image_data_and_several_files(qtbot, window, tmp_path, sample):
    data_mime = QMimeData()
    data_mime.setData("image/png", (SAMPLES / "coffee.jpg").read_bytes())  # bytes are sniffed, not trusted
    drop(window.drop_zone, data_mime)
    wait_for_sticker(qtbot, window)

    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    drop(window.drop_zone, file_mime(sample, SAMPLES / "astronaut.jpg", bad))
    qtbot.waitUntil(lambda: not window.controller.runner.active("batch"), timeout=90_000)
    wait_idle(qtbot, window)
    titles = [e.meta["source_name"] for e in window.controller.library.items()]
    assert sorted(titles) == ["astronaut.jpg", "chelsea.jpg"]
    assert window.message_bar.level == "error"
    assert "2 of 3" in window.message_bar.text_label.text() and "notes.png" in window.message_bar.text_label.text()


def test_subject_click_toggles_selection(qtbot, window, sample):
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    window.drop_zone.set_mode("subjects")
    preview = window.preview
    outline = window.controller.photo.outlines[0]
    rect = preview.photo_rect()
    x1, y1, x2, y2 = outline.box
    # a point inside the subject's own outline
    poly = outline.polygons[0]
    inside = QPointF(rect.x() + float(poly[:, 0].mean()) * rect.width(),
                     rect.y() + float(poly[:, 1].mean()) * rect.height())
    assert preview.subject_at(inside) == 0
    qtbot.mouseClick(preview, Qt.MouseButton.LeftButton, pos=inside.toPoint())
    # the only subject cannot be excluded: the window says why and keeps it
    assert window.message_bar.isVisible() and "at least one subject" in window.message_bar.text_label.text()
    assert window.controller.sticker.indices == [0]
    assert preview.subject_at(QPointF(1, 1)) is None
    assert x2 > x1 and y2 > y1


def test_engine_change_reanalyses(qtbot, window, sample):
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    first = window.controller.photo.analysis
    i = window.controls.engine.findData("quality")
    window.controls.engine.setCurrentIndex(i)
    qtbot.waitUntil(lambda: window.controller.photo.analysis is not first and not window.controller.busy,
                    timeout=60_000)
    assert window.controller.photo.analysis.engine == "u2net"
    assert window.engine_label.text() == "Cut out by u2net"


def test_drag_out_file_has_preset_format(qtbot, window, sample):
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    path = window.controller.drag_file()
    assert path.parent == window.paths.cache / "drag" and path.suffix == ".webp"
    with Image.open(path) as im:
        assert im.size == (512, 512) and im.mode == "RGBA"


def test_preview_follows_device_pixel_ratio(qtbot, window, sample):
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    rect = window.preview.sticker_rect()
    pm = window.preview.scaled_pixmap("test", window.controller.sticker.image, rect)
    dpr = window.preview.devicePixelRatioF()
    assert pm.devicePixelRatio() == dpr
    assert abs(pm.width() - rect.width() * dpr) <= 1
    assert not window.preview.grab().isNull()
