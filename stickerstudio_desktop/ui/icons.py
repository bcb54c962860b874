"""The app icon (resources/icons, drawn by scripts/make_icons.py) and line icons.

Toolbar and button icons are vector paths painted by a QIconEngine, so they
take the palette's text colour (light and dark themes) and are sharp at any
devicePixelRatio without shipping image files.
"""

from __future__ import annotations

import math
from typing import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)

from ..config.paths import bundled

ICON_DIR = bundled("resources", "icons")
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
GRID = 24.0  # icons are designed on a 24×24 grid
STROKE = 1.8


def app_icon() -> QIcon:
    icon = QIcon()
    for size in APP_ICON_SIZES:
        path = ICON_DIR / f"app-{size}.png"
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


# --- drawing ----------------------------------------------------------------------

Draw = Callable[[QPainterPath, QPainterPath], None]  # (stroked path, filled path)


def _rrect(p: QPainterPath, x: float, y: float, w: float, h: float, r: float = 2.5) -> None:
    p.addRoundedRect(QRectF(x, y, w, h), r, r)


def _poly(p: QPainterPath, *pts: tuple[float, float], close: bool = False) -> None:
    p.moveTo(*pts[0])
    for pt in pts[1:]:
        p.lineTo(*pt)
    if close:
        p.closeSubpath()


def _arc(p: QPainterPath, cx: float, cy: float, r: float, start: float, sweep: float) -> None:
    """Arc in degrees, counter-clockwise from 3 o'clock (Qt's convention)."""
    rect = QRectF(cx - r, cy - r, 2 * r, 2 * r)
    p.arcMoveTo(rect, start)
    p.arcTo(rect, start, sweep)


def _open(s: QPainterPath, f: QPainterPath) -> None:
    s.moveTo(3, 18)
    s.lineTo(3, 6.5)
    s.quadTo(3, 5, 4.5, 5)
    s.lineTo(9, 5)
    s.lineTo(11, 7)
    s.lineTo(18, 7)
    s.quadTo(19.5, 7, 19.5, 8.5)
    s.lineTo(19.5, 10)
    _poly(s, (3, 18.5), (6, 11), (21.5, 11), (18.5, 18.5), (3, 18.5))


def _paste(s, f):
    _rrect(s, 5, 5, 14, 16, 2.2)
    _rrect(s, 9, 3, 6, 4, 1.2)
    _poly(s, (9, 12), (15, 12))
    _poly(s, (9, 16), (13, 16))


def _save(s, f):
    _poly(s, (12, 3.5), (12, 14.5))
    _poly(s, (7.5, 10), (12, 14.5), (16.5, 10))
    _poly(s, (4, 15), (4, 19.5), (20, 19.5), (20, 15))


def _export(s, f):
    _poly(s, (12, 14.5), (12, 3.5))
    _poly(s, (7.5, 8), (12, 3.5), (16.5, 8))
    _poly(s, (4, 15), (4, 19.5), (20, 19.5), (20, 15))


def _copy(s, f):
    _rrect(s, 9, 9, 11.5, 11.5, 2.2)
    s.moveTo(15, 5.5)
    s.lineTo(15, 5)
    s.quadTo(15, 3.5, 13.5, 3.5)
    s.lineTo(5, 3.5)
    s.quadTo(3.5, 3.5, 3.5, 5)
    s.lineTo(3.5, 13.5)
    s.quadTo(3.5, 15, 5, 15)
    s.lineTo(5.5, 15)


def _settings(s, f):
    for y, x in ((6, 15), (12, 8), (18, 13)):
        _poly(s, (3.5, y), (x - 2.2, y))
        _poly(s, (x + 2.2, y), (20.5, y))
        s.addEllipse(QPointF(x, y), 2.2, 2.2)


def _star(path: QPainterPath, cx: float, cy: float, r: float) -> None:
    path.moveTo(cx, cy - r)
    path.quadTo(cx, cy, cx + r, cy)
    path.quadTo(cx, cy, cx, cy + r)
    path.quadTo(cx, cy, cx - r, cy)
    path.quadTo(cx, cy, cx, cy - r)
    path.closeSubpath()


def _sparkle(s, f):
    _star(f, 10, 13, 8)
    _star(f, 18.5, 5.5, 3.5)


def _gallery(s, f):
    for x in (4, 13):
        for y in (4, 13):
            _rrect(s, x, y, 7, 7, 1.8)


def _create(s, f):
    """A round die-cut sticker with its bottom-right edge peeled up."""
    rect = QRectF(3.5, 3.5, 17, 17)
    s.arcMoveTo(rect, -20)
    s.arcTo(rect, -20, 290)  # ends at the bottom (12, 20.5)
    _poly(s, (12, 20.5), (14.3, 15.1), (20, 14.9))


def _trash(s, f):
    _poly(s, (4, 7), (20, 7))
    _poly(s, (9, 7), (9, 4.5), (15, 4.5), (15, 7))
    _poly(s, (6, 7), (7, 20), (17, 20), (18, 7))
    _poly(s, (10, 11), (10, 16.5))
    _poly(s, (14, 11), (14, 16.5))


def _undo(s, f):
    _poly(s, (8, 5), (4, 9), (8, 13))
    s.moveTo(4, 9)
    s.lineTo(14, 9)
    s.cubicTo(22, 9, 22, 20, 14, 20)
    s.lineTo(9, 20)


def _close(s, f):
    _poly(s, (6, 6), (18, 18))
    _poly(s, (18, 6), (6, 18))


def _image(s, f):
    _rrect(s, 3, 4, 18, 16, 2.5)
    s.addEllipse(QPointF(8.5, 9.5), 1.8, 1.8)
    _poly(s, (3.5, 17.5), (9, 12.5), (13, 16), (16, 13.5), (20.5, 17.5))


def _refresh(s, f):
    _arc(s, 12, 12, 7.5, 40, 290)
    _poly(s, (19.8, 4.5), (19.6, 9.4), (14.8, 8.6))


def _pause(s, f):
    _rrect(f, 6, 5, 4, 14, 1.2)
    _rrect(f, 14, 5, 4, 14, 1.2)


def _play(s, f):
    _poly(f, (7, 4.5), (19, 12), (7, 19.5), close=True)


def _chart(s, f):
    _poly(s, (4, 20), (20, 20))
    _rrect(s, 5.5, 12, 3, 6, 0.8)
    _rrect(s, 10.5, 7, 3, 11, 0.8)
    _rrect(s, 15.5, 4, 3, 14, 0.8)


def _power(s, f):
    _arc(s, 12, 13, 7.5, 125, 290)
    _poly(s, (12, 3), (12, 11))


def _window(s, f):
    _rrect(s, 3, 4.5, 18, 15, 2.5)
    _poly(s, (3, 9), (21, 9))


def _info(s, f):
    s.addEllipse(QPointF(12, 12), 9, 9)
    _poly(s, (12, 11), (12, 16.5))
    f.addEllipse(QPointF(12, 7.8), 1.2, 1.2)


def _error(s, f):
    s.addEllipse(QPointF(12, 12), 9, 9)
    _poly(s, (12, 7), (12, 13))
    f.addEllipse(QPointF(12, 16.5), 1.2, 1.2)


def _check(s, f):
    s.addEllipse(QPointF(12, 12), 9, 9)
    _poly(s, (8, 12.5), (11, 15.5), (16.5, 9))


def _subjects(s, f):
    for (x, y, dx, dy) in ((3.5, 3.5, 1, 1), (20.5, 3.5, -1, 1), (3.5, 20.5, 1, -1), (20.5, 20.5, -1, -1)):
        _poly(s, (x, y + 4 * dy), (x, y), (x + 4 * dx, y))
    s.addEllipse(QPointF(12, 9.5), 2.6, 2.6)
    s.moveTo(7, 17.5)
    s.cubicTo(7.5, 13, 16.5, 13, 17, 17.5)


def _sticker(s, f):
    _create(s, f)


def _edit(s, f):
    """A pencil: the edit view."""
    _poly(s, (4, 20), (5, 15.5), (15.5, 5), (19, 8.5), (8.5, 19), (4, 20))
    s.moveTo(13.5, 7)
    s.lineTo(17, 10.5)


def _stop(s, f):
    _rrect(f, 6, 6, 12, 12, 2)


def _folder(s, f):
    s.moveTo(3, 18)
    s.lineTo(3, 6.5)
    s.quadTo(3, 5, 4.5, 5)
    s.lineTo(9, 5)
    s.lineTo(11, 7)
    s.lineTo(19.5, 7)
    s.quadTo(21, 7, 21, 8.5)
    s.lineTo(21, 17.5)
    s.quadTo(21, 19, 19.5, 19)
    s.lineTo(4.5, 19)
    s.quadTo(3, 19, 3, 17.5)


ICONS: dict[str, Draw] = {
    "open": _open, "paste": _paste, "save": _save, "export": _export, "copy": _copy,
    "settings": _settings, "generate": _sparkle, "gallery": _gallery, "create": _create,
    "trash": _trash, "undo": _undo, "close": _close, "image": _image, "refresh": _refresh,
    "pause": _pause, "play": _play, "chart": _chart, "quit": _power, "window": _window,
    "info": _info, "error": _error, "success": _check, "subjects": _subjects, "sticker": _sticker,
    "stop": _stop, "folder": _folder, "edit": _edit,
}


def paint_icon(painter: QPainter, rect: QRectF, name: str, colour: QColor) -> None:
    stroked, filled = QPainterPath(), QPainterPath()
    ICONS[name](stroked, filled)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = min(rect.width(), rect.height())
    painter.translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2)
    painter.scale(side / GRID, side / GRID)
    pen = QPen(colour, STROKE)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(stroked)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(filled)
    painter.restore()


class LineIconEngine(QIconEngine):
    """Paints one named icon at any size; colour follows the palette unless fixed."""

    def __init__(self, name: str, colour: QColor | None = None) -> None:
        super().__init__()
        self.name = name
        self.colour = colour

    def _colour(self, mode: QIcon.Mode) -> QColor:
        pal = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        if self.colour is not None:
            return QColor(self.colour)
        if mode == QIcon.Mode.Selected:
            return pal.color(QPalette.ColorRole.HighlightedText)
        return pal.color(QPalette.ColorRole.ButtonText)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        paint_icon(painter, QRectF(rect), self.name, self._colour(mode))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        img = QImage(max(1, math.ceil(size.width() * scale)), max(1, math.ceil(size.height() * scale)),
                     QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        paint_icon(p, QRectF(0, 0, img.width(), img.height()), self.name, self._colour(mode))
        p.end()
        pm = QPixmap.fromImage(img)
        pm.setDevicePixelRatio(scale)
        return pm

    def clone(self) -> LineIconEngine:
        return LineIconEngine(self.name, self.colour)

    def key(self) -> str:
        return "stickerstudio-line"


def icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """A line icon by name (see ICONS); *colour* fixes it, else it follows the palette."""
    if name not in ICONS:
        raise KeyError(f"no icon named {name!r}")
    return QIcon(LineIconEngine(name, QColor(colour) if colour is not None else None))

