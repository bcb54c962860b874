"""The drop target: files (several = a batch), image data and browser URLs.

``payload_from_mime`` decides what a drop or a paste carries, preferring
what needs no network: local files, then image bytes, then an http(s) link.
The widget itself is the preview card with an inviting empty state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDrag, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .clip_panel import ClipPanel
from .icons import icon
from .preview import PreviewView

#: Encoded image types we take as-is from a drop or the clipboard (best first).
IMAGE_MIME = ("image/png", "image/webp", "image/jpeg", "image/gif", "image/bmp", "image/tiff")
#: The preview card's views, in the order of their segment buttons (ids in the button group).
VIEW_MODES = ("sticker", "subjects", "edit")


@dataclass
class DropPayload:
    files: list[Path] = field(default_factory=list)
    data: bytes | None = None
    name: str = ""
    url: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.files or self.data or self.url)


def qimage_png(image: QImage) -> bytes:
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(buf.data())


def payload_from_mime(mime: QMimeData | None) -> DropPayload | None:
    if mime is None:
        return None
    urls = list(mime.urls()) if mime.hasUrls() else []
    files = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
    if files:
        return DropPayload(files=files)
    web = [u.toString() for u in urls if u.scheme() in ("http", "https")]
    name = QUrl(web[0]).fileName() if web else ""
    for kind in IMAGE_MIME:
        if mime.hasFormat(kind):
            data = bytes(mime.data(kind))
            if data:
                return DropPayload(data=data, name=name or f"dropped {kind.split('/')[1].upper()} image")
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            return DropPayload(data=qimage_png(image), name=name or "pasted image")
    if web:
        return DropPayload(url=web[0])
    if mime.hasText():
        text = mime.text().strip()
        if text.startswith(("http://", "https://")) and "\n" not in text:
            return DropPayload(url=text)
        if text.startswith("file://"):
            local = QUrl(text.splitlines()[0]).toLocalFile()
            if local:
                return DropPayload(files=[Path(local)])
    return None


class EmptyState(QWidget):
    """What the preview shows before the first photo."""

    def __init__(self, open_action, paste_action, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addStretch(3)
        self.art = QLabel()
        self.art.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.art)
        title = QLabel("Drop photos here")
        title.setObjectName("Title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub = QLabel("One photo opens in the editor, several become a batch.\n"
                     "You can also paste an image, drag one from a web page, or describe one below.")
        sub.setObjectName("Subtitle")
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub.setWordWrap(True)
        lay.addSpacing(8)
        lay.addWidget(title)
        lay.addWidget(sub)
        lay.addSpacing(14)
        row = QHBoxLayout()
        row.addStretch()
        for action, primary, glyph in ((open_action, True, "open"), (paste_action, False, "paste")):
            b = QPushButton(icon(glyph, "#FFFFFF") if primary else icon(glyph),
                            action.text().replace("&", "").rstrip("…") + ("…" if primary else ""))
            b.setObjectName("Primary" if primary else "")
            b.setToolTip(action.toolTip())
            b.setAccessibleName(action.text().replace("&", ""))
            b.clicked.connect(action.trigger)
            b.setIconSize(QSize(18, 18))
            row.addWidget(b)
        row.addStretch()
        lay.addLayout(row)
        lay.addStretch(4)
        self.refresh_art()

    def refresh_art(self) -> None:
        self.art.setPixmap(icon("image", theme.current().accent).pixmap(QSize(64, 64), self.devicePixelRatioF()))


class DropZone(QFrame):
    """Preview card + drop handling + the Sticker / Subjects switch."""

    payloadDropped = Signal(object)  # DropPayload
    modeChanged = Signal(str)

    def __init__(self, open_action, paste_action, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setAcceptDrops(True)
        self.setAccessibleName("Drop zone")
        self.setAccessibleDescription("Drop image files, image data or a web image link here.")
        self._hovering = False
        self._last_mode = "sticker"
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(6)
        # header: view switch + hint
        self.header = QWidget()
        hl = QHBoxLayout(self.header)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.setSpacing(0)
        self.view_group = QButtonGroup(self)
        self.sticker_button = self._segment("Sticker", "sticker", "SegmentFirst",
                                            "Show the finished sticker (drag it out to use it)")
        self.subjects_button = self._segment("Subjects", "subjects", "SegmentLast",
                                             "Show the photo with every detected subject; click one to "
                                             "include or exclude it")
        self.sticker_button.setChecked(True)
        hl.addWidget(self.sticker_button)
        hl.addWidget(self.subjects_button)
        hl.addSpacing(12)
        self.hint = QLabel()
        self.hint.setObjectName("Muted")
        hl.addWidget(self.hint, 1)
        outer.addWidget(self.header)
        self.stack = QStackedLayout()
        self.empty = EmptyState(open_action, paste_action)
        self.preview = PreviewView()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.preview)
        self.clip_panel = ClipPanel()
        self.stack.addWidget(self.clip_panel)
        outer.addLayout(self.stack, 1)
        self.header.hide()
        self.edit_view: QWidget | None = None
        self.view_group.idClicked.connect(lambda i: self.set_mode(VIEW_MODES[i]))

    def _segment(self, text: str, icon_name: str, name: str, tip: str) -> QPushButton:
        b = QPushButton(icon(icon_name), text)
        b.setObjectName(name)
        b.setCheckable(True)
        b.setToolTip(tip)
        b.setAccessibleName(f"{text} view")
        b.setIconSize(QSize(16, 16))
        b.setProperty("mode", icon_name)
        self.view_group.addButton(b, VIEW_MODES.index(icon_name))
        return b

    def add_edit_view(self, view: QWidget) -> None:
        """The third view, Edit (clicks, brush, arrange), beside Sticker and Subjects."""
        self.subjects_button.setObjectName("SegmentMiddle")
        self.edit_button = self._segment("Edit", "edit", "SegmentLast",
                                         "Fix the cut-out with clicks and a brush, and arrange the sticker")
        row = self.header.layout()
        row.insertWidget(row.indexOf(self.subjects_button) + 1, self.edit_button)
        self.edit_view = view
        self.stack.addWidget(view)

    # -- state ------------------------------------------------------------------------
    def show_content(self, on: bool) -> None:
        editing = self.mode == "edit" and self.edit_view is not None
        self.stack.setCurrentWidget((self.edit_view if editing else self.preview) if on else self.empty)
        self.header.setVisible(on)

    @property
    def mode(self) -> str:
        return self.view_group.checkedButton().property("mode") or "sticker"

    def show_clip(self, view, limit_s: float | None, platform: str) -> None:
        """The clip's player and trim timeline in place of the still preview."""
        self.clip_panel.set_clip(view, limit_s, platform)
        self.stack.setCurrentWidget(self.clip_panel)
        self.header.hide()

    def set_mode(self, mode: str) -> None:
        if mode == "edit" and self.edit_view is None:
            mode = "sticker"
        self.view_group.button(VIEW_MODES.index(mode)).setChecked(True)
        if self.stack.currentWidget() is not self.empty:
            self.stack.setCurrentWidget(self.edit_view if mode == "edit" else self.preview)
        if mode != "edit" and self.preview.mode != mode:
            self.preview.set_mode(mode)
        if mode != self._last_mode:
            self._last_mode = mode
            self.modeChanged.emit(mode)

    def set_subject_count(self, n: int) -> None:
        self.subjects_button.setText(f"Subjects ({n})" if n else "Subjects")

    # -- drag and drop ------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.source() is self.preview:  # our own sticker being dragged out
            event.ignore()
            return
        if payload_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
            self._hovering = True
            self.update()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if event.source() is not self.preview:
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802
        self._hovering = False
        self.update()

    def dropEvent(self, event) -> None:  # noqa: N802
        self._hovering = False
        self.update()
        payload = payload_from_mime(event.mimeData())
        if payload is None or event.source() is self.preview:
            event.ignore()
            return
        event.acceptProposedAction()
        self.payloadDropped.emit(payload)

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        t = theme.current()
        showing_empty = self.stack.currentWidget() is self.empty
        if not (self._hovering or showing_empty):
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(10, 10, -10, -10)
        path = QPainterPath()
        path.addRoundedRect(rect, 12, 12)
        if self._hovering:
            fill = QColor(t.accent)
            fill.setAlpha(28)
            p.fillPath(path, fill)
        pen = QPen(QColor(t.accent if self._hovering else t.border), 2, Qt.PenStyle.DashLine)
        pen.setDashPattern([5, 4])
        p.setPen(pen)
        p.drawPath(path)
        p.end()

    def show_hint(self, subject_count: int, has_sticker: bool) -> None:
        """The line above the preview: what a click or drag does in the current view."""
        if self.mode == "edit":
            text = "Click adds, right-click removes; brush, arrange, Ctrl+Z undoes."
        elif self.preview.mode == "subjects":
            n = subject_count
            text = "Click a subject to include or exclude it." if n > 1 else \
                ("One subject found." if n == 1 else "No subject found.")
        elif has_sticker:
            text = "Drag the sticker into a chat or folder, or press Ctrl+C."
        else:
            text = ""
        self.hint.setText(text)

    def drag_out(self, path: Path, image: QImage | None) -> None:
        """Drag the file at *path* (and *image*, for apps that take pixels) out of the preview."""
        mime = mime_for_file(path)
        drag = QDrag(self.preview)
        if image is not None:
            mime.setImageData(image)
            drag.setPixmap(self.preview.scaled_pixmap("drag", image, QRectF(0, 0, 96, 96)))
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)


def mime_for_file(path: Path, png: bytes | None = None) -> QMimeData:
    """Drag-out payload: the file's URL (file managers, chat apps) and the image itself."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    if png:
        mime.setData("image/png", QByteArray(png))
    return mime
