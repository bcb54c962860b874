"""The clip editor: the player over the checkerboard, play/pause, and the trim timeline.

What the window shows in place of the still preview when a clip is opened. The
player loops inside the trim; the timeline's playhead follows the player. When
the clip is longer than the chosen platform allows, the end is set to the limit
and a line says so: a long clip is cut where the user chooses, never sped up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PIL import Image
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from .clip_player import ClipPlayer
from .clip_timeline import ClipTimeline
from .icons import icon
from .views import to_qimage


@dataclass
class ClipView:
    """A decoded clip as the GUI thread shows it (built on a worker)."""

    name: str
    frames: list[QImage]
    durations_ms: list[int]


def clip_view(name: str, frames: list[Image.Image], durations_ms: list[int],
              check_cancel: Callable[[], None] = lambda: None) -> ClipView:
    """Worker side: PIL frames → QImages the GUI thread only paints (*check_cancel* between frames)."""
    images = []
    for f in frames:
        check_cancel()
        images.append(to_qimage(f))
    return ClipView(name, images, [int(d) for d in durations_ms])


def load_clip_view(path: Path, check_cancel: Callable[[], None] = lambda: None) -> tuple[ClipView, str | None]:
    """Worker side: the clip's first MAX_WINDOW_S seconds to trim, with a note when the file is longer.

    The preview's frame rate is capped so a long window stays within the decoder's frame limit.
    """
    from ..imaging.clips import MAX_FRAMES, MAX_WINDOW_S, load_clip, probe_clip

    info = probe_clip(path)
    end = min(info.duration_s, MAX_WINDOW_S)
    fps = float(max(1, min(30, math.floor((MAX_FRAMES - 1) / end))))
    clip = load_clip(path, end=end, max_fps=fps)  # it has no cancel hook: Cancel takes effect after it
    check_cancel()
    note = (f"{info.name} is {info.duration_s:.0f} s long; the first {MAX_WINDOW_S:g} s are shown to trim."
            if info.duration_s > end else None)
    return clip_view(info.name, list(clip.frames), list(clip.durations_ms), check_cancel), note


#: The speeds the window offers (the command line takes any from 0.1 to 10 with --speed).
SPEEDS = (0.5, 1.0, 1.5, 2.0, 3.0)


class ClipPanel(QWidget):
    """Player + play button + timeline for one clip; trimChanged(start_s, end_s) passes the timeline's on."""

    trimChanged = Signal(float, float)
    makeRequested = Signal(float, float, float)  # the trim to make the animated sticker of, and its speed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Clip editor")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        self.player = ClipPlayer()
        lay.addWidget(self.player, 1)
        row = QHBoxLayout()
        self.play_button = QToolButton()
        self.play_button.setAccessibleName("Play")
        self.play_button.setToolTip("Play or pause the clip (Space on the preview)")
        self.play_button.setIcon(icon("play"))
        self.play_button.clicked.connect(self.player.toggle)
        row.addWidget(self.play_button)
        self.timeline = ClipTimeline()
        row.addWidget(self.timeline, 1)
        self.time_label = QLabel()
        self.time_label.setObjectName("Muted")
        row.addWidget(self.time_label)
        self.speed_box = QComboBox()
        self.speed_box.setAccessibleName("Speed")
        self.speed_box.setToolTip("How fast the sticker plays; the preview plays at this speed too")
        for v in SPEEDS:
            self.speed_box.addItem(f"{v:g}×", v)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.currentIndexChanged.connect(self._speed_changed)
        row.addWidget(self.speed_box)
        self.make_button = QPushButton(icon("sticker"), "Make animated sticker")
        self.make_button.setObjectName("Primary")
        self.make_button.setToolTip("Cut out the subject in every frame of the part kept and save the sticker")
        self.make_button.clicked.connect(lambda: self.makeRequested.emit(*self.trim, self.speed))
        row.addWidget(self.make_button)
        lay.addLayout(row)
        self.limit_label = QLabel()
        self.limit_label.setObjectName("Muted")
        self.limit_label.setWordWrap(True)
        self.limit_label.hide()
        lay.addWidget(self.limit_label)
        self.view: ClipView | None = None
        self._platform = ""
        self._limit_s: float | None = None  # the platform's longest sticker, in seconds played
        self.player.playingChanged.connect(self._playing_changed)
        self.player.positionChanged.connect(self.timeline.set_playhead)
        self.timeline.trimChanged.connect(self._trim_changed)

    def set_clip(self, view: ClipView, limit_s: float | None = None, platform: str = "") -> None:
        """Show *view* paused on its first frame, trimmed to *limit_s* (the platform's longest sticker)."""
        self.view = view
        self._platform = platform
        self._limit_s = limit_s
        self.player.set_frames(view.frames, view.durations_ms)
        self.timeline.set_clip(self.player.duration_s, self._source_limit())
        self._trim_changed(self.timeline.start_s, self.timeline.end_s)

    def set_limit(self, limit_s: float | None, platform: str = "") -> None:
        self._platform = platform
        self._limit_s = limit_s
        if self.view is not None:
            self.timeline.set_limit(self._source_limit())
            self._update_labels()

    @property
    def speed(self) -> float:
        return float(self.speed_box.currentData())

    def _source_limit(self) -> float | None:
        """The platform's limit in seconds of the clip: at 2× twice as much of it fits."""
        return None if self._limit_s is None else self._limit_s * self.speed

    def _speed_changed(self) -> None:
        """A new speed changes how much of the clip fits: a trim the old limit cut grows to the new one."""
        self.player.set_rate(self.speed)
        if self.view is None:
            return
        t = self.timeline
        was_cut = t.limit_s is not None and t.end_s - t.start_s >= t.limit_s - 1e-6
        t.set_limit(self._source_limit())
        if was_cut:
            t.set_trim(t.start_s, t.duration_s)  # clamped to the new limit
        self._update_labels()

    @property
    def trim(self) -> tuple[float, float]:
        return self.timeline.start_s, self.timeline.end_s

    def _trim_changed(self, start: float, end: float) -> None:
        self.player.set_range(start, end)
        self._update_labels()
        self.trimChanged.emit(start, end)

    def _update_labels(self) -> None:
        t = self.timeline
        self.time_label.setText(f"{t.start_s:.1f}–{t.end_s:.1f} s of {t.duration_s:.1f} s")
        if t.is_cut_by_limit:
            who = f"{self._platform} stickers" if self._platform else "Stickers for this app"
            at = f" ({t.limit_s:g} s of the clip at {self.speed:g}×)" if self.speed != 1.0 else ""
            self.limit_label.setText(f"{who} last at most {self._limit_s:g} s{at}, so the clip is cut there; "
                                     "drag the handles to choose which part to keep.")
        self.limit_label.setVisible(t.is_cut_by_limit)

    def _playing_changed(self, playing: bool) -> None:
        self.play_button.setIcon(icon("pause" if playing else "play"))
        self.play_button.setAccessibleName("Pause" if playing else "Play")

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Space:
            self.player.toggle()
        else:
            super().keyPressEvent(event)
