"""Clip widgets: the trim timeline, the checkerboard player, and hover-play in the gallery."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from stickerstudio_desktop.ui import theme
from stickerstudio_desktop.ui.clip_player import ClipPlayer
from stickerstudio_desktop.ui.clip_timeline import MIN_LENGTH_S, ClipTimeline
from stickerstudio_desktop.ui.views import to_qimage
from tests.conftest import SAMPLES, TEST_DATA
from tests.ui.helpers import wait_idle

PHOTOS = [SAMPLES / "chelsea.jpg", SAMPLES / "coffee.jpg", TEST_DATA / "flower.jpg"]


def real_frames(side: int = 96, transparent_left: bool = False) -> list[Image.Image]:
    """Three different real photos as RGBA frames (optionally see-through on the left half)."""
    frames = []
    for path in PHOTOS:
        with Image.open(path) as im:
            frame = im.convert("RGB").resize((side, side)).convert("RGBA")
        if transparent_left:
            alpha = Image.new("L", (side, side), 255)
            alpha.paste(0, (0, 0, side // 2, side))
            frame.putalpha(alpha)
        frames.append(frame)
    return frames


@pytest.fixture
def timeline(qtbot):
    w = ClipTimeline()
    qtbot.addWidget(w)
    w.resize(620, 48)
    w.show()
    return w


def test_timeline_cuts_a_long_clip_to_the_platform_limit(qtbot, timeline):
    with qtbot.waitSignal(timeline.trimChanged) as trim:
        timeline.set_clip(5.0, limit_s=3.0)
    assert trim.args == [0.0, 3.0]
    assert timeline.is_cut_by_limit
    timeline.set_limit(None)  # a platform without a limit: the end stays where it is, the shading goes
    assert (timeline.start_s, timeline.end_s) == (0.0, 3.0) and not timeline.is_cut_by_limit
    timeline.set_limit(2.0)
    assert timeline.end_s == pytest.approx(2.0)
    assert "at most 2 s" in timeline.accessibleDescription()


def test_timeline_handles_drag_and_clamp(qtbot, timeline):
    timeline.set_clip(4.0, limit_s=3.0)
    y = timeline.height() // 2
    # drag the end handle left to 2 s
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(timeline.x_for(3.0)), y))
    qtbot.mouseMove(timeline, QPoint(round(timeline.x_for(2.0)), y))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(timeline.x_for(2.0)), y))
    assert timeline.end_s == pytest.approx(2.0, abs=0.02)
    # drag the start handle past the end: it stops the minimum length before it
    with qtbot.waitSignal(timeline.trimChanged) as trim:
        qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(timeline.x_for(0.0)), y))
        qtbot.mouseMove(timeline, QPoint(timeline.width() - 2, y))
        qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(timeline.width() - 2, y))
    start, end = trim.args
    assert end == pytest.approx(2.0, abs=0.02)
    assert start == pytest.approx(end - MIN_LENGTH_S)
    # the end cannot be dragged past start + limit
    timeline.set_trim(0.5, 1.0)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(timeline.x_for(1.0)), y))
    qtbot.mouseMove(timeline, QPoint(timeline.width() - 2, y))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(timeline.width() - 2, y))
    assert (timeline.start_s, timeline.end_s) == (pytest.approx(0.5), pytest.approx(3.5))


def test_timeline_keyboard_moves_start_and_end(qtbot, timeline):
    timeline.set_clip(2.0)
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.start_s == pytest.approx(0.1)
    qtbot.keyClick(timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.end_s == pytest.approx(1.9)
    qtbot.keyClick(timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # 1 s
    assert timeline.start_s == pytest.approx(1.1)
    for _ in range(20):  # never past the end
        qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.start_s == pytest.approx(1.9 - MIN_LENGTH_S)
    assert timeline.accessibleName() == "Clip trim"
    assert "Start 1.8 s, end 1.9 s of 2.0 s" == timeline.accessibleDescription()


def test_timeline_paints_the_part_past_the_limit_darker(qtbot, timeline):
    timeline.set_clip(6.0, limit_s=3.0)
    timeline.set_playhead(1.0)
    img = timeline.grab().toImage()
    y = timeline.height() // 2
    inside = img.pixelColor(round(timeline.x_for(1.5)), y)
    beyond = img.pixelColor(round(timeline.x_for(4.5)), y)
    assert beyond.lightness() < QColor(theme.current().checker_b).lightness()
    assert inside != beyond


@pytest.fixture
def player(qtbot):
    w = ClipPlayer()
    qtbot.addWidget(w)
    w.resize(320, 320)
    w.show()
    return w


def test_player_plays_loops_and_pauses(qtbot, player):
    player.set_frames([to_qimage(f) for f in real_frames()], [40, 60, 80])
    assert player.duration_s == pytest.approx(0.18) and player.index == 0 and not player.playing
    seen = []
    player.positionChanged.connect(lambda s: seen.append(player.index))
    player.play()
    qtbot.waitUntil(lambda: seen[-3:] == [1, 2, 0] or len(seen) > 3 and 0 in seen[1:], timeout=5_000)
    assert seen[:3] == [1, 2, 0]  # every frame in order, then round again
    with qtbot.waitSignal(player.playingChanged) as state:
        qtbot.keyClick(player, Qt.Key.Key_Space)
    assert state.args == [False]
    stopped = player.index
    qtbot.wait(200)
    assert player.index == stopped and "paused" in player.accessibleDescription()


def test_player_follows_the_trim(qtbot, player):
    player.set_frames([to_qimage(f) for f in real_frames()], [40, 60, 80])
    player.set_range(0.04, 0.1)  # only the second frame
    assert player.index == 1
    player.set_range(0.04, 0.18)  # second and third
    seen = []
    player.positionChanged.connect(lambda s: seen.append(player.index))
    player.play()
    qtbot.waitUntil(lambda: len(seen) >= 4, timeout=5_000)
    player.pause()
    assert set(seen) == {1, 2} and seen[:4] in ([2, 1, 2, 1], [1, 2, 1, 2])


def test_player_shows_the_checkerboard_through_transparent_pixels(qtbot, player):
    frames = real_frames(transparent_left=True)
    player.set_frames([to_qimage(f) for f in frames], [100, 100, 100])
    img = player.grab().toImage()
    t = theme.current()
    checker = {QColor(t.checker_a).rgb(), QColor(t.checker_b).rgb()}
    # the left quarter of the frame's square is transparent: checkerboard; the right quarter is photo
    cx, cy = img.width() // 2, img.height() // 2
    left = {img.pixelColor(cx - 60 + dx, cy + dy).rgb() for dx in range(0, 20, 3) for dy in range(0, 20, 3)}
    assert left <= checker and len(left) == 2
    right = img.pixelColor(cx + 60, cy).rgb()
    assert right not in checker


def animated_webp(frames: list[Image.Image], durations: list[int]) -> bytes:
    buf = io.BytesIO()
    frames[0].save(buf, format="WEBP", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                   lossless=True)
    return buf.getvalue()


def test_gallery_plays_animated_stickers_on_hover(qtbot, window):
    frames = [f.resize((512, 512)) for f in real_frames()]
    data = animated_webp(frames, [80, 80, 80])
    lib = window.controller.library
    still = io.BytesIO()
    frames[0].save(still, format="WEBP")
    lib.add(kind="sticker", data=still.getvalue(), fmt="webp", width=512, height=512, title="Still one")
    moving = lib.add(kind="sticker", data=data, fmt="webp", width=512, height=512, title="Moving one",
                     meta={"animated": True})
    window.gallery_view.trigger()
    gallery = window.gallery
    qtbot.waitUntil(lambda: gallery.list.count() == 2, timeout=10_000)
    wait_idle(qtbot, window)  # still thumbnails are in
    items = {gallery.list.item(i).data(Qt.ItemDataRole.UserRole + 1).id: gallery.list.item(i)
             for i in range(2)}
    item = items[moving.id]
    still_key = item.icon().cacheKey()
    viewport = gallery.list.viewport()
    qtbot.mouseMove(viewport, gallery.list.visualItemRect(item).center())
    keys = []
    qtbot.waitUntil(lambda: gallery.hover.playing and (keys.append(item.icon().cacheKey()) or True)
                    and len(set(keys) - {still_key}) >= 3, timeout=10_000)
    # leaving the list stops it and puts the still thumbnail back
    QApplication.sendEvent(gallery.list, QEvent(QEvent.Type.Leave))
    assert not gallery.hover.playing and item.icon().cacheKey() == still_key
    qtbot.wait(250)
    assert item.icon().cacheKey() == still_key
    # a still sticker does not play
    qtbot.mouseMove(viewport, gallery.list.visualItemRect(items[min(items)]).center())
    qtbot.wait(250)
    assert not gallery.hover.playing


def test_clip_panel_cuts_to_the_platform_limit_and_says_so(qtbot):
    from stickerstudio_desktop.ui.clip_panel import ClipPanel, clip_view

    panel = ClipPanel()
    qtbot.addWidget(panel)
    panel.resize(640, 480)
    panel.show()
    frames = real_frames()
    panel.set_clip(clip_view("three.gif", frames, [1500, 1500, 1500]), limit_s=3.0, platform="Telegram")
    assert panel.trim == (0.0, 3.0)
    assert panel.limit_label.isVisible() and "Telegram stickers last at most 3 s" in panel.limit_label.text()
    assert panel.time_label.text() == "0.0–3.0 s of 4.5 s"
    panel.play_button.click()
    assert panel.player.playing and panel.play_button.accessibleName() == "Pause"
    qtbot.waitUntil(lambda: panel.player.index == 1, timeout=5_000)
    assert panel.timeline.playhead_s == pytest.approx(1.5)  # the playhead follows the player
    panel.play_button.click()
    assert not panel.player.playing
    panel.set_limit(None)
    assert not panel.limit_label.isVisible()


def test_clip_panel_speed_changes_how_much_fits_and_how_the_preview_plays(qtbot):
    from stickerstudio_desktop.ui.clip_panel import ClipPanel, clip_view

    panel = ClipPanel()
    qtbot.addWidget(panel)
    panel.set_clip(clip_view("three.gif", real_frames(), [1500, 1500, 1500]), limit_s=3.0, platform="Telegram")
    assert panel.trim == (0.0, 3.0) and panel.speed == 1.0
    panel.speed_box.setCurrentIndex(panel.speed_box.findData(0.5))  # half speed: 1.5 s of the clip fill 3 s
    assert panel.trim == (0.0, 1.5) and panel.player._interval_ms() == 3000
    assert "at most 3 s (1.5 s of the clip at 0.5×)" in panel.limit_label.text()
    panel.speed_box.setCurrentIndex(panel.speed_box.findData(2.0))  # twice as fast: the whole 4.5 s fits in 2.25 s
    assert panel.trim == (0.0, 4.5) and panel.player._interval_ms() == 750
    assert panel.limit_label.isHidden()
    made = []
    panel.makeRequested.connect(lambda *a: made.append(a))
    panel.make_button.click()
    assert made == [(0.0, 4.5, 2.0)]


def choose_preset(window, name: str) -> None:
    combo = window.controls.preset
    combo.setCurrentIndex(combo.findData(name))  # as the user picks it: presetChanged reaches the window


def test_window_opens_a_dropped_clip_on_the_timeline(qtbot, window, tmp_path):
    gif = tmp_path / "five.gif"
    frames = real_frames(side=128)
    (frames + frames[:2])[0].save(gif, save_all=True, append_images=(frames + frames[:2])[1:], duration=1000,
                                  loop=0)
    window.open_paths([SAMPLES / "chelsea.jpg"])  # a still sticker first: the clip replaces it
    qtbot.waitUntil(lambda: window.save_action.isEnabled(), timeout=60_000)
    choose_preset(window, "telegram")
    window.open_paths([gif])
    panel = window.drop_zone.clip_panel
    qtbot.waitUntil(lambda: window.drop_zone.stack.currentWidget() is panel, timeout=30_000)
    wait_idle(qtbot, window)
    assert window.drop_zone.stack.currentWidget() is panel  # still there once the window is idle
    assert window.controller.sticker is None and not window.save_action.isEnabled()
    assert panel.player.frame_count == 5 and panel.timeline.duration_s == pytest.approx(5.0)
    assert panel.trim == (0.0, 3.0)
    assert "Telegram stickers last at most 3 s" in panel.limit_label.text() and panel.limit_label.isVisible()
    choose_preset(window, "whatsapp")  # 10 s: the whole clip fits, the note goes
    assert not panel.limit_label.isVisible()
    # a still photo afterwards goes back to the still preview
    window.open_paths([SAMPLES / "chelsea.jpg"])
    qtbot.waitUntil(lambda: window.drop_zone.stack.currentWidget() is window.preview, timeout=60_000)


def test_window_refuses_a_broken_video_in_one_sentence(qtbot, window, tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x13" * 500)
    window.open_paths([bad])
    qtbot.waitUntil(lambda: window.message_bar.isVisible(), timeout=30_000)
    wait_idle(qtbot, window)
    text = window.message_bar.text_label.text()
    assert "broken.mp4" in text and text.count(". ") == 0 and text.endswith(".")
    assert window.drop_zone.stack.currentWidget() is not window.drop_zone.clip_panel


def test_window_makes_an_animated_sticker_of_the_trim(qtbot, window, tmp_path):
    gif = tmp_path / "four.gif"
    frames = real_frames(side=256) + real_frames(side=256)[:1]
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=500, loop=0)
    choose_preset(window, "whatsapp")
    window.open_paths([gif])
    panel = window.drop_zone.clip_panel
    qtbot.waitUntil(lambda: window.drop_zone.stack.currentWidget() is panel, timeout=30_000)
    wait_idle(qtbot, window)
    panel.timeline.set_trim(0.5, 1.5)  # the second and third frames
    panel.speed_box.setCurrentIndex(panel.speed_box.findData(2.0))  # played twice as fast
    progress = []
    window.controller.progressChanged.connect(lambda f, t: progress.append(f))
    panel.make_button.click()
    assert not panel.make_button.isEnabled()  # one job at a time; Cancel is offered
    assert window.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: window.message_bar.isVisible()
                    and "animated sticker" in window.message_bar.text_label.text(), timeout=120_000)
    wait_idle(qtbot, window)
    assert "Saved an animated sticker of 2 frames" in window.message_bar.text_label.text()
    assert any(0 < f <= 1 for f in progress)
    entries = window.controller.library.items()
    assert len(entries) == 1 and entries[0].animated
    with Image.open(entries[0].path) as im:
        assert im.format == "WEBP" and im.n_frames == 2 and im.size == (512, 512)
    assert entries[0].meta["speed"] == 2.0 and entries[0].meta["duration_ms"] == 500  # 1 s of clip at 2×
    assert panel.make_button.isEnabled()


def test_cancel_stops_making_the_animated_sticker(qtbot, window, tmp_path):
    gif = tmp_path / "five.gif"
    frames = real_frames(side=256) + real_frames(side=256)[:2]
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=500, loop=0)
    window.open_paths([gif])
    panel = window.drop_zone.clip_panel
    qtbot.waitUntil(lambda: window.drop_zone.stack.currentWidget() is panel, timeout=30_000)
    wait_idle(qtbot, window)
    errors = []
    window.controller.message.connect(lambda level, text: errors.append(text) if level == "error" else None)
    panel.make_button.click()  # five frames through the engine: far longer than the click below takes
    window.cancel_button.click()
    wait_idle(qtbot, window)
    assert window.controller.library.items() == [] and errors == []
    assert panel.make_button.isEnabled() and not window.cancel_button.isEnabled()
