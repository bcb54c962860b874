"""Play/pause preview of a clip's RGBA frames over the preview's checkerboard.

It loops inside the trim the timeline sets, so the user sees exactly the part
that becomes the sticker. Frames arrive as QImages built on a worker (views.to_qimage);
each is shown for its own duration, as the encoders will keep it. Space toggles.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter, QPainterPath
from PySide6.QtWidgets import QSizePolicy, QWidget

from .preview import MARGIN, checker_brush, fit_rect


class ClipPlayer(QWidget):
    """Frames with their durations; positionChanged(seconds) follows the frame shown."""

    positionChanged = Signal(float)
    playingChanged = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Clip preview")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(240, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._frames: list[QImage] = []
        self._starts: list[float] = []  # each frame's start time in seconds
        self._durations_ms: list[int] = []
        self.range_s = (0.0, 0.0)
        self.index = 0
        self.rate = 1.0  # playback speed: 2 shows each frame half as long
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._advance)

    def set_frames(self, frames: list[QImage], durations_ms: list[int]) -> None:
        """A new clip; shows its first frame, paused, over the whole clip."""
        if len(frames) != len(durations_ms) or not frames:
            raise ValueError("a clip has one duration for each of at least one frame")
        if min(durations_ms) <= 0:
            raise ValueError("every frame lasts a positive time")
        self.pause()
        self._frames, self._durations_ms = list(frames), list(durations_ms)
        t, self._starts = 0.0, []
        for d in self._durations_ms:
            self._starts.append(t)
            t += d / 1000
        self.range_s = (0.0, t)
        self._show(0)

    @property
    def duration_s(self) -> float:
        return self._starts[-1] + self._durations_ms[-1] / 1000 if self._frames else 0.0

    @property
    def frame_count(self) -> int:
        return len(self._frames)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def frame_at(self, seconds: float) -> int:
        """The frame on screen at *seconds* into the clip."""
        i = 0
        for j, s in enumerate(self._starts):
            if s <= seconds + 1e-9:
                i = j
        return i

    def set_range(self, start_s: float, end_s: float) -> None:
        """Loop inside [start, end) (the timeline's trim); jumps in if the frame shown is outside."""
        self.range_s = (start_s, end_s)
        first, last = self._range_frames()
        if not first <= self.index <= last:
            self._show(first)

    def _range_frames(self) -> tuple[int, int]:
        start, end = self.range_s
        first = self.frame_at(start)
        last = max(first, self.frame_at(max(start, end - 1e-6)))
        return first, last

    def set_rate(self, rate: float) -> None:
        """Play at *rate* × the clip's own speed (the speed the sticker will have)."""
        self.rate = rate

    def _interval_ms(self) -> int:
        return max(1, round(self._durations_ms[self.index] / self.rate))

    def play(self) -> None:
        if len(self._frames) > 1 and not self.playing:
            self._timer.start(self._interval_ms())
            self._update_accessible()
            self.playingChanged.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self._update_accessible()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def _advance(self) -> None:
        first, last = self._range_frames()
        self._show(first if self.index >= last or self.index < first else self.index + 1)
        self._timer.start(self._interval_ms())

    def _show(self, index: int) -> None:
        self.index = index
        self._update_accessible()
        self.update()
        self.positionChanged.emit(self._starts[index])

    def _update_accessible(self) -> None:
        state = "playing" if self.playing else "paused"
        self.setAccessibleDescription(f"Frame {self.index + 1} of {len(self._frames)}, {state}")

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Space:
            self.toggle()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.toggle()

    def paintEvent(self, event) -> None:  # noqa: N802
        if not self._frames:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        frame = self._frames[self.index]
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        rect = fit_rect(frame.size(), area)
        board = QPainterPath()
        board.addRoundedRect(rect, 8, 8)
        p.fillPath(board, checker_brush(self.devicePixelRatioF()))
        p.drawImage(rect, frame)
