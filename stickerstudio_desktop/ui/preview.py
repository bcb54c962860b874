"""The big preview: the sticker on a checkerboard, or the photo with its subjects.

Sticker view: drag the finished sticker out to a file manager or chat app.
Subjects view: every detected subject is outlined; clicking one includes or
excludes it. Pixmaps are scaled for the screen's devicePixelRatio, so the
preview is sharp on high-DPI displays. While a job runs, a spinner animates
over the last result.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from . import theme
from .outlines import SubjectOutline

CHECKER = 10  # logical px per checkerboard cell
MARGIN = 24


def checker_brush(dpr: float) -> QBrush:
    t = theme.current()
    side = round(CHECKER * dpr)
    pm = QPixmap(2 * side, 2 * side)
    pm.fill(QColor(t.checker_a))
    p = QPainter(pm)
    p.fillRect(0, 0, side, side, QColor(t.checker_b))
    p.fillRect(side, side, side, side, QColor(t.checker_b))
    p.end()
    pm.setDevicePixelRatio(dpr)
    return QBrush(pm)


def fit_rect(size: QSize, area: QRectF, upscale: float = 2.0) -> QRectF:
    """*size* scaled to fit *area* (at most ×upscale), centred."""
    if size.isEmpty():
        return QRectF()
    k = min(area.width() / size.width(), area.height() / size.height(), upscale)
    w, h = size.width() * k, size.height() * k
    return QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)


class PreviewView(QWidget):
    subjectClicked = Signal(int)
    dragRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sticker preview")
        self.setMinimumSize(280, 280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.mode = "sticker"
        self._sticker: QImage | None = None
        self._photo: QImage | None = None
        self._outlines: list[SubjectOutline] = []
        self._selected: set[int] = set()
        self._hover: int | None = None
        self._cache: dict[str, tuple[tuple, QPixmap]] = {}
        self._busy_text = ""
        self._spin = 0
        self._press: QPointF | None = None
        self._spinner = QTimer(self)
        self._spinner.setInterval(40)
        self._spinner.timeout.connect(self._advance)

    # -- content -------------------------------------------------------------------------
    def set_sticker(self, image: QImage | None) -> None:
        self._sticker = image
        self._cache.pop("sticker", None)
        self._update_accessible()
        self.update()

    def set_photo(self, image: QImage | None, outlines: list[SubjectOutline], selected) -> None:
        self._photo = image
        self._outlines = list(outlines)
        self._selected = set(selected)
        self._cache.pop("photo", None)
        self.update()

    def set_selected(self, selected) -> None:
        self._selected = set(selected)
        self.update()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self._update_accessible()
        self.update()

    def set_busy(self, text: str) -> None:
        self._busy_text = text
        if text:
            self._spinner.start()
        else:
            self._spinner.stop()
        self.update()

    @property
    def has_sticker(self) -> bool:
        return self._sticker is not None and not self._sticker.isNull()

    def _update_accessible(self) -> None:
        if self.mode == "subjects":
            self.setAccessibleDescription(f"Photo with {len(self._outlines)} detected subject(s); "
                                          "click a subject to include or exclude it.")
        elif self.has_sticker:
            self.setAccessibleDescription("The finished sticker; drag it out to use it in another app.")
        else:
            self.setAccessibleDescription("No sticker yet.")

    def _advance(self) -> None:
        self._spin = (self._spin + 1) % 36
        self.update()

    # -- geometry ------------------------------------------------------------------------------
    def _area(self) -> QRectF:
        return QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)

    def sticker_rect(self) -> QRectF:
        return fit_rect(self._sticker.size(), self._area()) if self.has_sticker else QRectF()

    def photo_rect(self) -> QRectF:
        return fit_rect(self._photo.size(), self._area(), 1.0) if self._photo is not None else QRectF()

    def scaled_pixmap(self, key: str, image: QImage, rect: QRectF) -> QPixmap:
        """Cached pixmap at device resolution for *rect*."""
        dpr = self.devicePixelRatioF()
        size = QSize(max(1, round(rect.width() * dpr)), max(1, round(rect.height() * dpr)))
        sig = (size.width(), size.height(), dpr, image.cacheKey())
        hit = self._cache.get(key)
        if hit and hit[0] == sig:
            return hit[1]
        pm = QPixmap.fromImage(image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
        pm.setDevicePixelRatio(dpr)
        self._cache[key] = (sig, pm)
        return pm

    def _paths(self, rect: QRectF) -> list[tuple[SubjectOutline, QPainterPath]]:
        out = []
        for o in self._outlines:
            path = QPainterPath()
            for poly in o.polygons:
                pts = [QPointF(rect.x() + x * rect.width(), rect.y() + y * rect.height()) for x, y in poly]
                path.addPolygon(QPolygonF(pts))
                path.closeSubpath()
            out.append((o, path))
        return out

    def subject_at(self, pos: QPointF) -> int | None:
        """The smallest outlined subject under *pos* (so a small one inside a big one can be picked)."""
        if self.mode != "subjects" or self._photo is None:
            return None
        hits = [(o.area, o.index) for o, path in self._paths(self.photo_rect()) if path.contains(pos)]
        return min(hits)[1] if hits else None

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        t = theme.current()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self.mode == "subjects" and self._photo is not None:
            self._paint_photo(p, t)
        elif self.has_sticker:
            self._paint_sticker(p, t)
        if self._busy_text:
            self._paint_busy(p, t)
        p.end()

    def _paint_sticker(self, p: QPainter, t) -> None:
        rect = self.sticker_rect()
        board = QPainterPath()
        board.addRoundedRect(rect.adjusted(-1, -1, 1, 1), 12, 12)
        p.fillPath(board, checker_brush(self.devicePixelRatioF()))
        p.setPen(QPen(QColor(t.border), 1))
        p.drawPath(board)
        p.drawPixmap(rect.toRect(), self.scaled_pixmap("sticker", self._sticker, rect))

    def _paint_photo(self, p: QPainter, t) -> None:
        rect = self.photo_rect()
        clip = QPainterPath()
        clip.addRoundedRect(rect, 10, 10)
        p.save()
        p.setClipPath(clip)
        p.drawPixmap(rect.toRect(), self.scaled_pixmap("photo", self._photo, rect))
        veil = QColor(0, 0, 0, 70)
        p.fillRect(rect, veil)  # dim the photo so outlines stand out
        p.restore()
        accent = QColor(t.accent)
        label_font = QFont(self.font())
        label_font.setWeight(QFont.Weight.DemiBold)
        p.setFont(label_font)
        for outline, path in self._paths(rect):
            chosen = outline.index in self._selected
            hover = outline.index == self._hover
            fill = QColor(accent)
            fill.setAlpha(70 if chosen else (50 if hover else 0))
            p.fillPath(path, fill)
            pen = QPen(QColor("#FFFFFF") if chosen else QColor(255, 255, 255, 200), 3 if chosen else 2)
            if not chosen:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawPath(path)
            if chosen:
                p.setPen(QPen(accent, 1.5))
                p.drawPath(path)
            x1, y1 = rect.x() + outline.box[0] * rect.width(), rect.y() + outline.box[1] * rect.height()
            text = f"{outline.index + 1} · {outline.label}" + ("  ✓" if chosen else "")
            fm = p.fontMetrics()
            chip = QRectF(x1 + 4, y1 + 4, fm.horizontalAdvance(text) + 16, fm.height() + 6)
            chip_path = QPainterPath()
            chip_path.addRoundedRect(chip, chip.height() / 2, chip.height() / 2)
            p.fillPath(chip_path, accent if chosen else QColor(20, 20, 28, 200))
            p.setPen(QColor("#FFFFFF"))
            p.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        if not self._outlines:
            p.setPen(QColor("#FFFFFF"))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "No subject was found in this photo.")

    def _paint_busy(self, p: QPainter, t) -> None:
        veil = QColor(t.window)
        veil.setAlpha(150 if (self.has_sticker or self._photo is not None) else 0)
        p.fillRect(self.rect(), veil)
        c = QRectF(self.rect()).center()
        r = 18.0
        track = QPen(QColor(t.border), 4)
        p.setPen(track)
        p.drawEllipse(c, r, r)
        arc = QPen(QColor(t.accent), 4)
        arc.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(arc)
        p.drawArc(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), -self._spin * 10 * 16, 100 * 16)
        f = QFont(self.font())
        f.setWeight(QFont.Weight.DemiBold)
        p.setFont(f)
        p.setPen(QColor(t.text))
        p.drawText(QRectF(0, c.y() + r + 10, self.width(), 24), Qt.AlignmentFlag.AlignHCenter, self._busy_text)

    # -- mouse -------------------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            if self.mode == "subjects":
                hit = self.subject_at(event.position())
                if hit is not None:
                    self.subjectClicked.emit(hit)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self.mode == "subjects":
            hover = self.subject_at(pos)
            if hover != self._hover:
                self._hover = hover
                self.setCursor(Qt.CursorShape.PointingHandCursor if hover is not None else Qt.CursorShape.ArrowCursor)
                self.setToolTip("Click to include or exclude this subject" if hover is not None else "")
                self.update()
        elif self.has_sticker:
            inside = self.sticker_rect().contains(pos)
            self.setCursor(Qt.CursorShape.OpenHandCursor if inside else Qt.CursorShape.ArrowCursor)
            if (self._press is not None and event.buttons() & Qt.MouseButton.LeftButton
                    and self.sticker_rect().contains(self._press)
                    and (pos - self._press).manhattanLength() >= QApplication.startDragDistance()):
                self._press = None
                self.dragRequested.emit()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._press = None
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)
