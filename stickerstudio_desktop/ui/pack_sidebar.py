"""The gallery's pack list: All stickers, then each pack with its count; stickers dropped on a pack join it.

It only shows packs and asks for changes through signals; the gallery does
them with the library's PackStore, so the rules stay in one place.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .icons import icon

#: Mime type of gallery stickers being dragged: their library ids, comma-separated.
STICKER_IDS_MIME = "application/x-stickerstudio-sticker-ids"
PACK_ROLE = Qt.ItemDataRole.UserRole + 2


def decode_ids(mime) -> list[int]:
    """The library ids a gallery drag carries (none for any other drag)."""
    if not mime.hasFormat(STICKER_IDS_MIME):
        return []
    text = bytes(mime.data(STICKER_IDS_MIME)).decode()
    return [int(t) for t in text.split(",") if t.isdigit()]


class PackList(QListWidget):
    """The list itself: accepts gallery stickers dropped onto a pack row."""

    stickersDropped = Signal(str, list)  # pack name, library ids

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAccessibleName("Sticker packs")

    def _target(self, event) -> str | None:
        item = self.itemAt(event.position().toPoint())
        return item.data(PACK_ROLE) if item is not None else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if decode_ids(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if decode_ids(event.mimeData()) and self._target(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802
        ids, pack = decode_ids(event.mimeData()), self._target(event)
        if ids and pack:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            QTimer.singleShot(0, lambda: self.stickersDropped.emit(pack, ids))  # the lists rebuild after the drag
        else:
            event.ignore()


class PackSidebar(QWidget):
    packSelected = Signal(object)  # pack name, or None for all stickers
    createRequested = Signal()
    renameRequested = Signal(str)
    deleteRequested = Signal(str)
    detailsRequested = Signal(str)
    exportRequested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFixedWidth(210)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        head = QHBoxLayout()
        title = QLabel("Packs")
        title.setObjectName("Muted")
        head.addWidget(title, 1)
        self.new_button = self._tool("", "New pack", self.createRequested.emit, "New")
        self.rename_button = self._tool("", "Rename the selected pack",
                                        lambda: self._emit_for(self.renameRequested), "Rename")
        self.details_button = self._tool("", "Edit the selected pack's publisher and identifier",
                                         lambda: self._emit_for(self.detailsRequested), "Details")
        self.delete_button = self._tool("trash", "Delete the selected pack (its stickers stay in the library)",
                                        lambda: self._emit_for(self.deleteRequested))
        for b in (self.new_button, self.delete_button):
            head.addWidget(b)
        lay.addLayout(head)
        self.list = PackList()
        self.stickersDropped = self.list.stickersDropped
        self.list.setIconSize(QSize(16, 16))
        self.list.setToolTip("Drop stickers from the gallery onto a pack to add them")
        self.list.currentItemChanged.connect(lambda *_: self._changed())
        lay.addWidget(self.list, 1)
        edit_row = QHBoxLayout()
        for b in (self.rename_button, self.details_button):
            b.setText(b.text() + "…")
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            edit_row.addWidget(b)
        lay.addLayout(edit_row)
        self.export_button = QPushButton(icon("export"), "Export pack…")
        self.export_button.setToolTip("Export the selected pack for WhatsApp, Telegram or Signal")
        self.export_button.clicked.connect(lambda _=False: self._emit_for(self.exportRequested))
        lay.addWidget(self.export_button)
        self._changed()

    def _tool(self, icon_name: str, tip: str, slot, text: str = "") -> QToolButton:
        b = QToolButton()
        if icon_name:
            b.setIcon(icon(icon_name))
        if text:
            b.setText(text)
        b.setToolTip(tip)
        b.setAccessibleName(tip)
        b.clicked.connect(lambda _=False: slot())
        return b

    def _emit_for(self, signal) -> None:
        if self.current:
            signal.emit(self.current)

    @property
    def current(self) -> str | None:
        item = self.list.currentItem()
        return item.data(PACK_ROLE) if item is not None else None

    def _enable(self) -> None:
        on = self.current is not None  # "All stickers" cannot be renamed, deleted or exported
        for b in (self.rename_button, self.details_button, self.delete_button, self.export_button):
            b.setEnabled(on)

    def _changed(self) -> None:
        self._enable()
        self.packSelected.emit(self.current)

    def set_packs(self, total: int, packs: list[tuple[str, int]], current: str | None) -> None:
        """Show the packs (name, count); keep *current* selected when it still exists."""
        self.list.blockSignals(True)
        self.list.clear()
        rows = [(None, f"All stickers  ({total})", "gallery")] + [(n, f"{n}  ({c})", "sticker") for n, c in packs]
        chosen = 0
        for i, (name, text, glyph) in enumerate(rows):
            item = QListWidgetItem(icon(glyph, theme.current().accent), text)  # fixed: stays on the highlight
            item.setData(PACK_ROLE, name)
            self.list.addItem(item)
            if name == current:
                chosen = i
        self.list.setCurrentRow(chosen)
        self.list.blockSignals(False)
        self._enable()

    def select(self, name: str | None) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(PACK_ROLE) == name:
                self.list.setCurrentRow(i)
                return
