"""The edit view end to end: real photo, real engine, the real widgets driven with the mouse and keys."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QKeySequence, QWheelEvent
from PySide6.QtWidgets import QApplication

from stickerstudio_desktop.cli import main
from tests.conftest import SAMPLES
from tests.ui.helpers import wait_for_sticker, wait_idle


def open_edit(qtbot, window, sample):
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    window.drop_zone.edit_button.click()
    assert window.drop_zone.stack.currentWidget() is window.edit_view
    canvas = window.edit_view.canvas
    qtbot.waitUntil(lambda: canvas.photo is not None and canvas.cutout is not None)
    return canvas


def cutout_alpha(window) -> np.ndarray:
    return np.asarray(window.controller.sticker.made.cutout.image)[..., 3].copy()


def sticker_alpha(window) -> np.ndarray:
    return np.asarray(window.controller.sticker.pil)[..., 3].copy()


def wait_edits(qtbot, window, n_clicks=None, n_strokes=None):
    def landed():
        s = window.controller.sticker
        return (not window.controller.busy and s is not None and s.edits == window.controller.edits
                and (n_clicks is None or len(s.edits.clicks) == n_clicks)
                and (n_strokes is None or len(s.edits.strokes) == n_strokes))
    qtbot.waitUntil(landed, timeout=60_000)


def test_a_click_changes_the_mask_and_undo_redo_walk_it_back(qtbot, window, sample):
    canvas = open_edit(qtbot, window, sample)
    before = cutout_alpha(window)
    ys, xs = np.nonzero(before >= 128)
    x, y = int(np.median(xs)), int(np.median(ys))  # on the cat
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=canvas.widget_point(x, y))
    wait_edits(qtbot, window, n_clicks=1)
    click = window.controller.edits.clicks[0]
    assert not click.positive and abs(click.x - x) <= 1 and abs(click.y - y) <= 1
    removed = cutout_alpha(window)
    assert removed[y, x] < 128 and (removed != before).sum() > 100
    assert canvas.cutout is window.controller.sticker.cutout  # the canvas shows the new cut-out

    window.undo_action.trigger()  # Ctrl+Z
    wait_edits(qtbot, window, n_clicks=0)
    assert np.array_equal(cutout_alpha(window), before)
    assert window.redo_action.shortcut() == QKeySequence("Ctrl+Shift+Z")
    window.redo_action.trigger()
    wait_edits(qtbot, window, n_clicks=1)
    assert np.array_equal(cutout_alpha(window), removed)


def test_a_brush_stroke_erases_its_pixels_at_full_resolution_and_restore_brings_them_back(qtbot, window, sample):
    canvas = open_edit(qtbot, window, sample)
    tools = window.edit_view.tools
    tools.buttons["brush"].click()
    assert tools.size.isVisible() and tools.edge_aware.isVisible()
    tools.size.setValue(20)
    before = cutout_alpha(window)
    ys, xs = np.nonzero(before >= 255)
    y = int(np.median(ys))
    row = xs[ys == y]
    a, b = int(row.min()) + 20, int(row.max()) - 20
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(a, y))
    for x in np.linspace(a, b, 12):
        qtbot.mouseMove(canvas, canvas.widget_point(float(x), y))
    assert canvas._stroke and len(canvas._stroke) > 5  # the live outline is being drawn
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(b, y))
    wait_edits(qtbot, window, n_strokes=1)
    stroke = window.controller.edits.strokes[0]
    assert stroke.mode == "erase" and stroke.size == 20
    erased = cutout_alpha(window)
    mid = (a + b) // 2
    assert (erased[y - 5:y + 6, a + 5:b - 5] == 0).all()  # the band under the stroke is gone
    assert (erased[y - 30, mid] == before[y - 30, mid]) and (erased[y + 30, mid] == before[y + 30, mid])

    tools.mode.setCurrentIndex(1)  # restore, over the same path
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(a, y))
    qtbot.mouseMove(canvas, canvas.widget_point(b, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(b, y))
    wait_edits(qtbot, window, n_strokes=2)
    assert (cutout_alpha(window)[y - 5:y + 6, a + 5:b - 5] == 255).all()


def test_arrange_drags_the_subject_and_wheel_scales_it(qtbot, window, sample):
    window.controls.set_caption("")
    canvas = open_edit(qtbot, window, sample)
    window.edit_view.tools.buttons["arrange"].click()
    wait_idle(qtbot, window)
    start = sticker_alpha(window)
    r = canvas.sticker_rect()
    c = r.center().toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=c)
    qtbot.mouseMove(canvas, c + QPoint(round(r.width() * 0.15), 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=c + QPoint(round(r.width() * 0.15), 0))
    qtbot.waitUntil(lambda: window.controller.sticker.edits.placement.dx > 0 and not window.controller.busy,
                    timeout=60_000)
    assert abs(window.controller.edits.placement.dx - 0.15) < 0.01
    moved = sticker_alpha(window)
    cols = lambda a: np.nonzero((a > 16).any(axis=0))[0]  # noqa: E731
    assert cols(moved).max() >= cols(start).max() and cols(moved).min() - cols(start).min() > 0.1 * start.shape[1]

    # A small drag back to the middle snaps onto the centre.
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=c)
    qtbot.mouseMove(canvas, c - QPoint(round(r.width() * 0.16), 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=c - QPoint(round(r.width() * 0.16), 0))
    qtbot.waitUntil(lambda: window.controller.sticker.edits.placement.dx == 0 and not window.controller.busy,
                    timeout=60_000)
    assert np.array_equal(sticker_alpha(window), start)


def test_a_saved_edited_sticker_reopens_with_its_edits(qtbot, window, sample):
    canvas = open_edit(qtbot, window, sample)
    tools = window.edit_view.tools
    tools.buttons["brush"].click()
    tools.edge_aware.setChecked(True)
    tools.softness.setValue(40)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(200, 150))
    qtbot.mouseMove(canvas, canvas.widget_point(260, 160))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(260, 160))
    wait_edits(qtbot, window, n_strokes=1)
    edits, pixels = window.controller.edits, window.controller.sticker.pil.tobytes()
    assert edits.strokes[0].edge_aware and edits.strokes[0].softness == 0.4
    with qtbot.waitSignal(window.controller.saved, timeout=30_000) as saved:
        window.save_action.trigger()
    entry = saved.args[0]
    assert window.controller.library.get(entry.id).meta["edits"]["strokes"]

    window.controller.undo_edit()  # the window moves on: the stroke is undone, the sticker changes
    qtbot.waitUntil(lambda: not window.controller.sticker.edits.strokes and not window.controller.busy,
                    timeout=60_000)
    assert window.controller.sticker.pil.tobytes() != pixels
    window.reopen(window.controller.library.get(entry.id))
    qtbot.waitUntil(lambda: window.controller.edits == edits and window.controller.sticker is not None
                    and window.controller.sticker.edits == edits and not window.controller.busy, timeout=60_000)
    assert window.controller.sticker.pil.tobytes() == pixels
    assert not window.controller.history.can_undo  # the stored edits are where re-opening starts


def wheel(widget, pos: QPoint, steps: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    event = QWheelEvent(QPointF(pos), QPointF(widget.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_zoom_pan_and_before_keep_clicks_on_the_right_pixel(qtbot, window, sample):
    canvas = open_edit(qtbot, window, sample)
    at = canvas.widget_point(100, 80)
    wheel(canvas, at, 3)  # zoom in around the pointer: the pixel under it stays under it
    assert canvas.zoom > 1.9 and (canvas.widget_point(100, 80) - at).manhattanLength() <= 2
    qtbot.mousePress(canvas, Qt.MouseButton.MiddleButton, pos=at)
    qtbot.mouseMove(canvas, at + QPoint(40, 25))
    qtbot.mouseRelease(canvas, Qt.MouseButton.MiddleButton, pos=at + QPoint(40, 25))
    assert (canvas.widget_point(100, 80) - (at + QPoint(40, 25))).manhattanLength() <= 2  # panned with the drag
    assert not window.controller.edits.clicks  # panning is not an edit
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                     pos=canvas.widget_point(120, 150))
    wait_edits(qtbot, window, n_clicks=1)
    c = window.controller.edits.clicks[0]
    assert not c.positive and abs(c.x - 120) <= 1 and abs(c.y - 150) <= 1  # Alt+click removes, where pointed
    window.edit_view.tools.before.click()
    assert canvas.show_before and canvas.before is window.controller.sticker.before
    assert not np.array_equal(np.asarray(window.controller.sticker.made.cutout.image)[..., 3],
                              _alpha(canvas.before))


def _alpha(qimage) -> np.ndarray:
    img = qimage.convertToFormat(QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., 3]


def test_arrange_wheel_scales_and_rotates_and_the_caption_drags(qtbot, window, sample):
    window.controls.set_caption("Drag me")
    canvas = open_edit(qtbot, window, sample)
    window.edit_view.tools.buttons["arrange"].click()
    r = canvas.sticker_rect()
    c = r.center().toPoint()
    wheel(canvas, c, -2)
    qtbot.waitUntil(lambda: not window.controller.busy and window.controller.sticker.edits.placement.scale < 0.9,
                    timeout=60_000)
    assert abs(window.controller.edits.placement.scale - 1.1 ** -2) < 1e-9
    wheel(canvas, c, 1, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not window.controller.busy and window.controller.sticker.edits.placement.rotation == 5,
                    timeout=60_000)
    band = QPoint(c.x(), round(r.bottom() - r.height() * 0.1))  # in the caption band
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=band)
    qtbot.mouseMove(canvas, band - QPoint(0, round(r.height() * 0.2)))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=band - QPoint(0, round(r.height() * 0.2)))
    qtbot.waitUntil(lambda: not window.controller.busy
                    and window.controller.sticker.edits.placement.caption_dy < -0.15, timeout=60_000)
    p = window.controller.edits.placement
    assert p.dx == 0 and p.dy == 0  # the caption moved, not the subject
    moved_to = band - QPoint(0, round(r.height() * 0.2))  # the caption is there now: dragging it again moves it
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=moved_to)
    qtbot.mouseMove(canvas, moved_to + QPoint(round(r.width() * 0.1), 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=moved_to + QPoint(round(r.width() * 0.1), 0))
    qtbot.waitUntil(lambda: not window.controller.busy
                    and window.controller.sticker.edits.placement.caption_dx > 0.05, timeout=60_000)
    assert window.controller.edits.placement.dx == 0
    for _ in range(4):  # scale, rotation, two caption moves: four undo steps back to the automatic layout
        window.controller.undo_edit()
    assert not window.controller.history.can_undo
    wait_edits(qtbot, window)
    assert window.controller.edits.placement == type(p)()


def test_the_command_line_renders_the_edit_view(tmp_path, qapp):
    shots = {}
    for view in ("edit", "create"):
        out = tmp_path / f"{view}.png"
        assert main(["gui", str(SAMPLES / "chelsea.jpg"), "--view", view, "--screenshot", str(out)]) == 0
        with Image.open(out) as im:
            assert im.width >= 1000 and im.height >= 600
            shots[view] = im.convert("RGB").tobytes()
    assert shots["edit"] != shots["create"]  # the edit view, not the sticker preview
