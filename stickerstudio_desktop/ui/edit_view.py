"""The edit view: fix the cut-out with clicks and a brush, arrange the sticker, undo and redo.

The canvas shows the photo dimmed with the edited cut-out on top (click and
brush tools, zoomable and pannable), or the finished sticker (arrange tool).
Every finished gesture becomes one new ``Edits`` value on the controller,
which re-makes the sticker off the GUI thread; the canvas repaints when the
result arrives. Coordinates are converted here: the canvas works in the
photo's working copy, edits are stored in the source photo's pixels.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPainterPath, QPen, QShortcut
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from ..engine.brush import MAX_STROKE_POINTS, Stroke
from ..engine.prompts import Click
from ..sticker.compose import CAPTION_SHARE, MAX_SCALE, MAX_SHIFT, MIN_SCALE
from .edit_tools import EditTools
from .preview import MARGIN, checker_brush, fit_rect

ZOOM_STEP, MIN_ZOOM, MAX_ZOOM = 1.25, 1.0, 32.0
#: Arrange: a move this close to the centre (share of the side) snaps onto it.
SNAP = 0.02
SCALE_STEP, ROTATE_STEP = 1.1, 5.0
#: Side (logical px) of the finished sticker shown in the canvas's corner while clicking and brushing.
INSET = 150


class EditCanvas(QWidget):
    clicked = Signal(float, float, bool)  # working-copy x, y; adds
    stroked = Signal(object)  # list of working-copy points (the view makes the Stroke)
    moved = Signal(str, float, float)  # "subject" | "caption", dx, dy as shares of the side
    wheeled = Signal(float, float)  # scale factor, rotation degrees

    def __init__(self, tools: EditTools, parent=None) -> None:
        super().__init__(parent)
        self.tools = tools
        self.setAccessibleName("Edit canvas")
        self.setMinimumSize(280, 280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.photo: QImage | None = None
        self.cutout: QImage | None = None
        self.before: QImage | None = None
        self.sticker: QImage | None = None
        self.show_before = False
        self.brush_px = 24.0  # brush diameter in working-copy pixels (the view keeps it in sync)
        self.caption_position: str | None = None  # "top" / "bottom" when the sticker has a caption
        self.caption_dy = 0.0  # how far the caption was moved down (share of the side)
        self.zoom = 1.0
        self.pan = QPointF(0, 0)
        self._space = False
        self._panning: QPointF | None = None
        self._stroke: list[tuple[float, float]] | None = None
        self._drag: tuple[str, QPointF] | None = None
        self._drag_delta = QPointF(0, 0)
        self._mouse: QPointF | None = None

    # -- content ---------------------------------------------------------------------------------
    def set_images(self, photo: QImage | None, cutout: QImage | None, before: QImage | None,
                   sticker: QImage | None) -> None:
        if photo is None or self.photo is None or photo.size() != self.photo.size():
            self.zoom, self.pan = 1.0, QPointF(0, 0)
        self.photo, self.cutout, self.before, self.sticker = photo, cutout, before, sticker
        self.update()

    # -- geometry --------------------------------------------------------------------------------
    def _area(self) -> QRectF:
        return QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)

    def image_rect(self) -> QRectF:
        """Where the photo is drawn, after zoom and pan."""
        if self.photo is None:
            return QRectF()
        base = fit_rect(self.photo.size(), self._area(), 4.0)
        c = base.center() + self.pan
        w, h = base.width() * self.zoom, base.height() * self.zoom
        return QRectF(c.x() - w / 2, c.y() - h / 2, w, h)

    def sticker_rect(self) -> QRectF:
        return fit_rect(self.sticker.size(), self._area()) if self.sticker is not None else QRectF()

    def to_image(self, pos: QPointF) -> tuple[float, float]:
        r = self.image_rect()
        k = self.photo.width() / r.width()
        return (pos.x() - r.x()) * k, (pos.y() - r.y()) * k

    def widget_point(self, x: float, y: float) -> QPoint:
        """The widget position of working-copy pixel (x, y) (tests drive the mouse with it)."""
        r = self.image_rect()
        k = r.width() / self.photo.width()
        return QPoint(round(r.x() + (x + 0.5) * k), round(r.y() + (y + 0.5) * k))

    def _inside(self, x: float, y: float) -> bool:
        return self.photo is not None and 0 <= x < self.photo.width() and 0 <= y < self.photo.height()

    def set_zoom(self, zoom: float, around: QPointF | None = None) -> None:
        """Zoom keeping the image point under *around* (default: the centre) where it is."""
        if self.photo is None:
            return
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        around = around if around is not None else QRectF(self.rect()).center()
        r = self.image_rect()
        fx, fy = (around.x() - r.x()) / r.width(), (around.y() - r.y()) / r.height()
        self.zoom = zoom
        r2 = self.image_rect()
        self.pan += QPointF(around.x() - (r2.x() + fx * r2.width()), around.y() - (r2.y() + fy * r2.height()))
        if zoom == MIN_ZOOM:
            self.pan = QPointF(0, 0)
        self.update()

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom < 3)
        if self.tools.tool == "arrange":
            self._paint_sticker(p)
        elif self.photo is not None:
            self._paint_photo(p)
        p.end()

    def _paint_photo(self, p: QPainter) -> None:
        r = self.image_rect()
        p.drawImage(r, self.photo)
        p.fillRect(r, QColor(0, 0, 0, 150))  # what is not in the cut-out stays dim
        shown = self.before if self.show_before else self.cutout
        if shown is not None:
            p.drawImage(r, shown)
        k = r.width() / self.photo.width()
        if self._stroke:
            colour = QColor(255, 80, 80, 120) if self.tools.brush_mode == "erase" else QColor(80, 220, 120, 120)
            pen = QPen(colour, max(1.0, self.brush_px * k), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            path = QPainterPath(QPointF(r.x() + self._stroke[0][0] * k, r.y() + self._stroke[0][1] * k))
            for x, y in self._stroke[1:]:
                path.lineTo(r.x() + x * k, r.y() + y * k)
            if len(self._stroke) == 1:
                path.lineTo(path.currentPosition() + QPointF(0.01, 0))
            p.setPen(pen)
            p.drawPath(path)
        if self.tools.tool == "brush" and self._mouse is not None:  # the brush's footprint
            p.setPen(QPen(QColor("#FFFFFF"), 1.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            rad = self.brush_px * k / 2
            p.drawEllipse(self._mouse, rad, rad)
        if self.show_before:
            p.setPen(QColor("#FFFFFF"))
            p.drawText(r.adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, "Before")
        if self.sticker is not None:  # the finished sticker, so its outline and caption are seen to follow
            side = min(INSET, self.width() / 4)
            inset = QRectF(self.width() - side - 8, 8, side, side)
            p.fillRect(inset, checker_brush(self.devicePixelRatioF()))
            p.drawImage(inset, self.sticker)
            p.setPen(QPen(QColor(255, 255, 255, 180), 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(inset)

    def _paint_sticker(self, p: QPainter) -> None:
        if self.sticker is None:
            return
        r = self.sticker_rect()
        p.fillRect(r, checker_brush(self.devicePixelRatioF()))
        p.save()
        p.setClipRect(r)
        if self._drag is not None:  # the whole sticker follows the pointer until the drop re-makes it
            p.translate(self._drag_delta)
        p.drawImage(r, self.sticker)
        p.restore()
        pen = QPen(QColor(255, 255, 255, 160), 1, Qt.PenStyle.DashLine)
        p.setPen(pen)
        c = r.center()
        p.drawLine(QPointF(c.x(), r.top()), QPointF(c.x(), r.bottom()))  # the centre the subject snaps to
        p.drawLine(QPointF(r.left(), c.y()), QPointF(r.right(), c.y()))

    # -- mouse and keys ----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos, button = event.position(), event.button()
        self.setFocus()
        tool = self.tools.tool
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space):
            if tool != "arrange":
                self._panning = pos
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if tool == "arrange":
            if button == Qt.MouseButton.LeftButton and self.sticker_rect().contains(pos):
                self._drag = (self._drag_target(pos), pos)
                self._drag_delta = QPointF(0, 0)
            return
        if self.photo is None:
            return
        x, y = self.to_image(pos)
        if not self._inside(x, y):
            return
        if tool == "click" and button in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            self.clicked.emit(x, y, button == Qt.MouseButton.LeftButton and not alt)
        elif tool == "brush" and button == Qt.MouseButton.LeftButton:
            self._stroke = [(x, y)]
            self.update()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        self._mouse = pos
        if self._panning is not None:
            self.pan += pos - self._panning
            self._panning = pos
        elif self._stroke is not None:
            x, y = self.to_image(pos)
            lx, ly = self._stroke[-1]
            # A point per eighth of the brush is as smooth as a point per pixel, and far fewer to store.
            if abs(x - lx) + abs(y - ly) >= max(1.0, self.brush_px / 8) and len(self._stroke) < MAX_STROKE_POINTS:
                self._stroke.append((x, y))
        elif self._drag is not None:
            self._drag_delta = pos - self._drag[1]
        self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._panning is not None:
            self._panning = None
            self.unsetCursor()
        elif self._stroke is not None:
            points, self._stroke = self._stroke, None
            self.stroked.emit(points)
        elif self._drag is not None:
            (target, _), delta, self._drag = self._drag, self._drag_delta, None
            side = self.sticker_rect().width()
            if side > 0 and delta.manhattanLength() > 0:
                self.moved.emit(target, delta.x() / side, delta.y() / side)
        self.update()

    def _drag_target(self, pos: QPointF) -> str:
        """The caption when the press is in its band, otherwise the subject."""
        r = self.sticker_rect()
        share = (pos.y() - r.top()) / r.height() - self.caption_dy  # where the caption's band is now
        if self.caption_position == "bottom" and share >= 1 - CAPTION_SHARE \
                or self.caption_position == "top" and share <= CAPTION_SHARE:
            return "caption"
        return "subject"

    def wheelEvent(self, event) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120
        if not steps:
            return
        if self.tools.tool == "arrange":
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.wheeled.emit(1.0, steps * ROTATE_STEP)
            else:
                self.wheeled.emit(SCALE_STEP ** steps, 0.0)
        else:
            self.set_zoom(self.zoom * ZOOM_STEP ** steps, event.position())
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.unsetCursor()
            return
        super().keyReleaseEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._mouse = None
        self.update()
        super().leaveEvent(event)


class EditView(QWidget):
    """Tools over the canvas, wired to the controller's edits."""

    def __init__(self, controller, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.tools = EditTools()
        self.canvas = EditCanvas(self.tools)
        lay.addWidget(self.tools)
        lay.addWidget(self.canvas, 1)
        t = self.tools
        t.toolChanged.connect(lambda _: self.canvas.update())
        t.beforeToggled.connect(self._on_before)
        t.undoRequested.connect(controller.undo_edit)
        t.redoRequested.connect(controller.redo_edit)
        t.size.valueChanged.connect(lambda _: self._sync_brush())
        self.canvas.clicked.connect(self._on_click)
        self.canvas.stroked.connect(self._on_stroke)
        self.canvas.moved.connect(self._on_move)
        self.canvas.wheeled.connect(self._on_wheel)
        controller.stickerChanged.connect(lambda _: self.refresh())
        controller.photoChanged.connect(lambda _: self.refresh())
        controller.editsChanged.connect(lambda _: self._sync_history())
        for keys, slot in (("Ctrl+=", lambda: self.canvas.set_zoom(self.canvas.zoom * ZOOM_STEP)),
                           ("Ctrl++", lambda: self.canvas.set_zoom(self.canvas.zoom * ZOOM_STEP)),
                           ("Ctrl+-", lambda: self.canvas.set_zoom(self.canvas.zoom / ZOOM_STEP)),
                           ("Ctrl+0", lambda: self.canvas.set_zoom(MIN_ZOOM))):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self._sync_history()

    def refresh(self) -> None:
        c = self.controller
        sticker = c.sticker if c.sticker is not None and c.sticker.made is not None else None
        self.canvas.caption_position = c.style.position if c.style.caption.strip() else None
        self.canvas.caption_dy = c.edits.placement.caption_dy
        self.canvas.set_images(c.photo.image if c.photo is not None else None,
                               sticker.cutout if sticker else None, sticker.before if sticker else None,
                               sticker.image if sticker else None)
        self._sync_brush()
        self._sync_history()

    def _sync_brush(self) -> None:
        scale = self.controller.source_scale() if self.controller.photo is not None else 1.0
        self.canvas.brush_px = self.tools.size.value() / scale
        self.canvas.update()

    def _sync_history(self) -> None:
        h = self.controller.history
        self.tools.set_history(h.can_undo, h.can_redo)

    def _on_before(self, on: bool) -> None:
        self.canvas.show_before = on
        self.canvas.update()

    def _on_click(self, x: float, y: float, positive: bool) -> None:
        s = self.controller.source_scale()
        self.controller.edit(self.controller.edits.with_click(Click(x * s, y * s, positive)))

    def _on_stroke(self, points: list[tuple[float, float]]) -> None:
        s, t = self.controller.source_scale(), self.tools
        stroke = Stroke(t.brush_mode, tuple((x * s, y * s) for x, y in points), float(t.size.value()),
                        t.softness.value() / 100, t.edge_aware.isChecked())
        self.controller.edit(self.controller.edits.with_stroke(stroke))

    def _on_move(self, target: str, dx: float, dy: float) -> None:
        p = self.controller.edits.placement
        if target == "caption":
            p = replace(p, caption_dx=_clamp(p.caption_dx + dx), caption_dy=_clamp(p.caption_dy + dy))
        else:
            p = replace(p, dx=_snap(_clamp(p.dx + dx)), dy=_snap(_clamp(p.dy + dy)))
        self.controller.edit(self.controller.edits.with_placement(p))

    def _on_wheel(self, factor: float, degrees: float) -> None:
        p = self.controller.edits.placement
        rotation = (p.rotation + degrees + 180) % 360 - 180
        p = replace(p, scale=min(MAX_SCALE, max(MIN_SCALE, p.scale * factor)),
                    rotation=0.0 if abs(rotation) < 1e-9 else rotation)
        self.controller.edit(self.controller.edits.with_placement(p))


def _clamp(v: float) -> float:
    return max(-MAX_SHIFT, min(MAX_SHIFT, v))


def _snap(v: float) -> float:
    return 0.0 if abs(v) < SNAP else v
