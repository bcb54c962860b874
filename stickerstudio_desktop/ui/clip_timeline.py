"""The clip's timeline: start/end trim handles, a playhead, and the platform's limit.

The user chooses where to cut instead of the clip being sped up to fit: the part
past ``start + limit`` is shaded, and the end handle cannot go there. Mouse: drag
a handle (or click the bar to move the nearer one). Keyboard: Left/Right move the
start handle, Shift+Left/Right the end handle, by one step (Ctrl: ten steps).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme

MIN_LENGTH_S = 0.1  # the shortest clip a trim leaves: a few frames at any platform's rate
STEP_S = 0.1  # one key press
HANDLE_W = 10  # logical px
PAD = HANDLE_W  # room for the handles at both ends of the bar


class ClipTimeline(QWidget):
    """Trim a clip of ``duration_s`` seconds to [start, end]; emits trimChanged(start_s, end_s)."""

    trimChanged = Signal(float, float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Clip trim")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(44)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Drag the handles to choose where the sticker starts and ends.\n"
                        "Left/Right: move the start, Shift+Left/Right: move the end (Ctrl: 1 s).")
        self.duration_s = 0.0
        self.limit_s: float | None = None
        self.start_s = 0.0
        self.end_s = 0.0
        self.playhead_s = 0.0
        self._dragging: str | None = None  # "start" or "end"

    # -- model ---------------------------------------------------------------
    def set_clip(self, duration_s: float, limit_s: float | None = None) -> None:
        """A new clip: the trim is the whole clip, cut to the limit."""
        if duration_s <= 0:
            raise ValueError("a clip has a positive duration")
        self.duration_s = float(duration_s)
        self.limit_s = limit_s
        self.playhead_s = 0.0
        self._apply(0.0, self.duration_s, moved="end")

    def set_limit(self, limit_s: float | None) -> None:
        """A different platform: its longest sticker; the end moves in if the trim is longer."""
        self.limit_s = limit_s
        self._apply(self.start_s, self.end_s, moved="end")

    def set_trim(self, start_s: float, end_s: float) -> None:
        self._apply(start_s, end_s, moved="end")

    def set_playhead(self, seconds: float) -> None:
        self.playhead_s = min(max(0.0, seconds), self.duration_s)
        self.update()

    @property
    def is_cut_by_limit(self) -> bool:
        """True when the clip is longer than the platform allows (the window says so)."""
        return self.limit_s is not None and self.duration_s > self.limit_s + 1e-9

    def _min_length(self) -> float:
        return min(MIN_LENGTH_S, self.duration_s)

    def _apply(self, start: float, end: float, moved: str) -> None:
        """Clamp to the clip, start < end by the minimum length, length ≤ limit; the *moved* handle gives way."""
        d, gap = self.duration_s, self._min_length()
        start = min(max(0.0, start), d - gap)
        end = min(max(gap, end), d)
        longest = d if self.limit_s is None else max(gap, min(d, self.limit_s))
        if moved == "start":
            start = min(start, end - gap)
            start = max(start, end - longest)
        else:
            end = max(end, start + gap)
            end = min(end, start + longest)
            start = min(start, end - gap)
        changed = (start, end) != (self.start_s, self.end_s)
        self.start_s, self.end_s = start, end
        self.setAccessibleDescription(f"Start {start:.1f} s, end {end:.1f} s of {d:.1f} s"
                                      + (f"; at most {self.limit_s:g} s" if self.limit_s is not None else ""))
        self.update()
        if changed:
            self.trimChanged.emit(start, end)

    # -- geometry --------------------------------------------------------------
    def _bar(self) -> QRectF:
        return QRectF(PAD, 8, max(1.0, self.width() - 2 * PAD), self.height() - 16)

    def x_for(self, seconds: float) -> float:
        bar = self._bar()
        return bar.left() + bar.width() * (seconds / self.duration_s if self.duration_s else 0.0)

    def seconds_at(self, x: float) -> float:
        bar = self._bar()
        return min(max(0.0, (x - bar.left()) / bar.width()), 1.0) * self.duration_s

    # -- input -----------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.duration_s or event.button() != Qt.MouseButton.LeftButton:
            return
        x = event.position().x()
        self._dragging = "start" if abs(x - self.x_for(self.start_s)) <= abs(x - self.x_for(self.end_s)) else "end"
        self._drag_to(x)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._dragging:
            self._drag_to(event.position().x())

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._dragging = None

    def _drag_to(self, x: float) -> None:
        t = self.seconds_at(x)
        if self._dragging == "start":
            self._apply(t, self.end_s, moved="start")
        else:
            self._apply(self.start_s, t, moved="end")

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if not self.duration_s or key not in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            super().keyPressEvent(event)
            return
        mods = event.modifiers()
        step = STEP_S * (10 if mods & Qt.KeyboardModifier.ControlModifier else 1)
        step = -step if key == Qt.Key.Key_Left else step
        if mods & Qt.KeyboardModifier.ShiftModifier:
            self._apply(self.start_s, self.end_s + step, moved="end")
        else:
            self._apply(self.start_s + step, self.end_s, moved="start")

    # -- painting ----------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        t = theme.current()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = self._bar()
        track = QPainterPath()
        track.addRoundedRect(bar, 6, 6)
        p.fillPath(track, QColor(t.checker_b))
        if not self.duration_s:
            return
        if self.limit_s is not None and self.start_s + self.limit_s < self.duration_s:
            beyond = QRectF(QPointF(self.x_for(self.start_s + self.limit_s), bar.top()), bar.bottomRight())
            p.save()
            p.setClipPath(track)
            p.fillRect(beyond, QColor(0, 0, 0, 70))
            p.restore()
        kept = QRectF(QPointF(self.x_for(self.start_s), bar.top()), QPointF(self.x_for(self.end_s), bar.bottom()))
        accent = QColor(t.accent)
        fill = QColor(accent)
        fill.setAlpha(90)
        p.fillRect(kept, fill)
        focus = self.hasFocus()
        for s in (self.start_s, self.end_s):
            x = self.x_for(s)
            handle = QRectF(x - HANDLE_W / 2, bar.top() - 4, HANDLE_W, bar.height() + 8)
            p.setPen(QPen(QColor(t.text), 2) if focus else Qt.PenStyle.NoPen)
            p.setBrush(accent)
            p.drawRoundedRect(handle, 3, 3)
        x = self.x_for(self.playhead_s)
        p.setPen(QPen(QColor(t.text), 2))
        p.drawLine(QPointF(x, bar.top() - 6), QPointF(x, bar.bottom() + 6))
