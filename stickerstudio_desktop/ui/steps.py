"""Load → Classify → Segment → Compose → Save, with the milliseconds each took.

The engine's stage timings map onto the five steps the user sees (refine is
part of Segment, export part of Save). While work runs, the current steps
pulse so the window visibly stays alive during inference.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme

STEPS = (("load", "Load"), ("classify", "Classify"), ("segment", "Segment"), ("compose", "Compose"),
         ("save", "Save"))
#: Which steps a running job covers (the pipeline reports only when it is done).
ACTIVE = {"analyse": ("load", "classify", "segment"), "compose": ("compose",), "save": ("save",)}


def step_timings(stages: dict[str, float]) -> dict[str, float]:
    """Engine stage → step milliseconds."""
    out: dict[str, float] = {}
    for stage, ms in stages.items():
        step = {"refine": "segment", "export": "save"}.get(stage, stage)
        if step == "save" and "save" in stages and stage == "export":
            continue  # "save" already includes the export
        if step in dict(STEPS):
            out[step] = out.get(step, 0.0) + ms
    return out


def format_ms(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"


class StepIndicator(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Progress steps")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.timings: dict[str, float] = {}
        self.active: tuple[str, ...] = ()
        self.skipped: set[str] = set()
        self._phase = 0
        self._timer = QTimer(self)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self._tick)

    def sizeHint(self) -> QSize:
        return QSize(520, 46)

    def set_timings(self, stages: dict[str, float]) -> None:
        self.timings = step_timings(stages)
        # classify has no time when no classifier is installed: show it as skipped
        self.skipped = {"classify"} if self.timings and "classify" not in self.timings else set()
        self._update_text()
        self.update()

    def set_running(self, job: str) -> None:
        self.active = ACTIVE.get(job, ())
        if job in ("analyse",):
            self.timings = {}
            self.skipped = set()
        if self.active:
            self._timer.start()
        else:
            self._timer.stop()
        self._update_text()
        self.update()

    def _update_text(self) -> None:
        parts = []
        for key, label in STEPS:
            if key in self.timings:
                parts.append(f"{label} {format_ms(self.timings[key])}")
            elif key in self.active:
                parts.append(f"{label} running")
            elif key in self.skipped:
                parts.append(f"{label} skipped")
            else:
                parts.append(f"{label} pending")
        self.setAccessibleDescription(", ".join(parts))
        self.setToolTip("Time per step of the last sticker:\n" + "\n".join(parts)
                        + "\n(Segment includes edge refinement; Save includes encoding.)")

    def _tick(self) -> None:
        self._phase = (self._phase + 1) % 24
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        t = theme.current()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        n = len(STEPS)
        w, h = self.width(), self.height()
        slot = w / n
        cy = 12.0
        r = 7.0
        accent, border, muted, text = QColor(t.accent), QColor(t.border), QColor(t.muted), QColor(t.text)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        bold = QFont(small)
        bold.setWeight(QFont.Weight.DemiBold)
        for i, (key, label) in enumerate(STEPS):
            cx = slot * i + slot / 2
            done, running = key in self.timings, key in self.active
            if i < n - 1:  # connector to the next step
                nxt = STEPS[i + 1][0]
                p.setPen(QPen(accent if done and nxt in self.timings else border, 2))
                p.drawLine(int(cx + r + 4), int(cy), int(cx + slot - r - 4), int(cy))
            if done:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(accent)
                p.drawEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))
                pen = QPen(QColor(t.accent_text), 1.8)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.drawPolyline([QPointF(cx - 3.2, cy), QPointF(cx - 0.8, cy + 2.6), QPointF(cx + 3.4, cy - 2.6)])
            elif running:
                glow = QColor(accent)
                glow.setAlphaF(0.15 + 0.15 * abs(12 - self._phase) / 12)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(glow)
                p.drawEllipse(QRectF(cx - r - 3, cy - r - 3, 2 * r + 6, 2 * r + 6))
                pen = QPen(accent, 2.2)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawArc(QRectF(cx - r, cy - r, 2 * r, 2 * r), -self._phase * 15 * 16, 270 * 16)
            else:
                pen = QPen(border, 2)
                if key in self.skipped:
                    pen.setStyle(Qt.PenStyle.DotLine)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))
            p.setFont(bold if done or running else small)
            p.setPen(text if done or running else muted)
            caption = label
            if done:
                caption = f"{label}  {format_ms(self.timings[key])}"
            elif key in self.skipped:
                caption = f"{label}  –"
            p.drawText(QRectF(cx - slot / 2, cy + r + 3, slot, h - cy - r - 3),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, caption)
        p.end()
