"""Saved stickers: thumbnails from the library, re-open, re-export, copy, delete.

Thumbnails are decoded on a worker thread and arrive one by one, so a big
library never stalls the window. Delete moves the files to the library's
trash; the window offers Undo. The Packs list beside it shows one pack's
stickers in order (pack_sidebar, pack_actions); in a pack each sticker's
emojis and alt text are edited below the thumbnails.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QMimeData, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ..sticker.presets import PRESETS
from . import theme
from .controls import PRESET_LABELS
from .gallery_hover import HoverPlayer
from .gallery_tiles import thumbnail
from .icons import icon
from .pack_actions import PackActions
from .pack_alt_text import AltTextField
from .pack_emoji import EmojiField
from .pack_sidebar import STICKER_IDS_MIME, PackSidebar, decode_ids
from .workers import Task

THUMB = 132  # logical px
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


def describe(entry) -> str:
    m = entry.meta or {}
    try:
        when = datetime.fromisoformat(entry.created).astimezone().strftime("%d %b %Y, %H:%M")
    except ValueError:
        when = entry.created
    lines = [entry.title or "(no caption)", f"{entry.width}×{entry.height} {entry.format.upper()}, "
             f"{entry.bytes / 1024:.0f} KB", f"Preset: {PRESET_LABELS.get(m.get('preset'), m.get('preset', '?'))}",
             f"Saved {when}"]
    if m.get("engine"):
        lines.append(f"Engine: {m['engine']}" + (f", style {m['style']}" if m.get("style") else ""))
    if m.get("source_name"):
        lines.append(f"From: {m['source_name']}")
    return "\n".join(lines)


class StickerList(QListWidget):
    """The thumbnails; a drag carries the stickers' library ids (drop them on a pack, or, in a pack, on
    another sticker to move them to its place)."""

    reorderDropped = Signal(list, int)  # library ids, the 1-based place they go to
    hovered = Signal(object)  # the QListWidgetItem under the pointer, or None

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.set_reorderable(False)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        self.hovered.emit(self.itemAt(event.position().toPoint()))

    def leaveEvent(self, event) -> None:  # noqa: N802
        super().leaveEvent(event)
        self.hovered.emit(None)

    def set_reorderable(self, on: bool) -> None:
        self.reorderable = on
        self.setAcceptDrops(on)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop if on
                             else QAbstractItemView.DragDropMode.DragOnly)

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [STICKER_IDS_MIME]

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self.reorderable and decode_ids(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802
        ids = decode_ids(event.mimeData())
        if not (self.reorderable and ids):
            event.ignore()
            return
        item = self.itemAt(event.position().toPoint())
        place = self.row(item) + 1 if item is not None else self.count()
        event.setDropAction(Qt.DropAction.CopyAction)  # never let the view remove the dragged row itself
        event.accept()
        QTimer.singleShot(0, lambda: self.reorderDropped.emit(ids, place))  # rebuild after the drag ends

    def mimeData(self, items) -> QMimeData:  # noqa: N802
        mime = QMimeData()
        mime.setData(STICKER_IDS_MIME, ",".join(str(i.data(ENTRY_ROLE).id) for i in items).encode())
        return mime


class GalleryView(QWidget):
    reopenRequested = Signal(object)  # LibraryEntry
    exportRequested = Signal(object, str)  # entry, preset
    copyRequested = Signal(object)
    deleteRequested = Signal(object)
    packExportRequested = Signal(str)  # pack name

    def __init__(self, controller, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._thumbs_task: Task | None = None
        self.pack_name: str | None = None  # the pack shown, None for all stickers
        self._pack_stickers: dict[int, object] = {}  # library id → PackSticker of the shown pack
        self._tray_id: int | None = None  # the sticker the shown pack's tray icon is made from
        self.packs = PackActions(controller, self, self._after_pack_change)
        root = QHBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(14)
        self.sidebar = PackSidebar()
        self.sidebar.packSelected.connect(self.show_pack)
        self.sidebar.createRequested.connect(self.packs.ask_create)
        self.sidebar.renameRequested.connect(self.packs.ask_rename)
        self.sidebar.deleteRequested.connect(self.packs.ask_delete)
        self.sidebar.detailsRequested.connect(self.packs.ask_details)
        self.sidebar.exportRequested.connect(self.packExportRequested)
        self.sidebar.stickersDropped.connect(lambda name, ids: self.packs.add(name, ids, self.pack_name))
        root.addWidget(self.sidebar)
        lay = QVBoxLayout()
        lay.setSpacing(10)
        root.addLayout(lay, 1)
        bar = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("Muted")
        bar.addWidget(self.count_label, 1)
        self.open_button = self._button("Open in editor", "create", "Open the selected sticker in the editor "
                                        "(Enter or double-click)", self._reopen)
        self.export_button = self._button("Export as", "export", "Save the selected sticker for another app", None)
        menu = QMenu(self.export_button)
        for name, p in PRESETS.items():
            act = menu.addAction(PRESET_LABELS.get(name, name))
            act.setToolTip(p.description)
            act.triggered.connect(lambda _=False, n=name: self._export(n))
        self.export_button.setMenu(menu)
        self.copy_button = self._button("Copy", "copy", "Copy the selected sticker to the clipboard", self._copy)
        self.folder_button = self._button("Show in folder", "folder", "Open the folder that holds this sticker",
                                          self._show_folder)
        self.delete_button = self._button("Delete", "trash", "Move the selected sticker to the trash "
                                          "(Delete; you can undo)", self._delete)
        for b in (self.open_button, self.export_button, self.copy_button, self.folder_button, self.delete_button):
            bar.addWidget(b)
        lay.addLayout(bar)
        self.stack = QStackedLayout()
        self.list = StickerList()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 36, THUMB + 48))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSpacing(6)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # drag or add several
        self.list.setDragEnabled(True)
        self.list.reorderDropped.connect(self._reorder)
        self.hover = HoverPlayer(self.list, controller.runner, lambda item: item.data(ENTRY_ROLE), THUMB)
        self.list.hovered.connect(self.hover.hover)
        self.list.setAccessibleName("Saved stickers")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.itemActivated.connect(lambda _: self._reopen())
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.empty = QLabel("No saved stickers yet.\nMake one in Create and press Save (Ctrl+S).")
        self.empty.setObjectName("Subtitle")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        lay.addLayout(self.stack, 1)
        self.emoji_field = EmojiField()
        self.emoji_field.emojisChanged.connect(lambda item_id, emojis: self.packs.set_emojis(
            self.pack_name, item_id, emojis) if self.pack_name else None)
        self.emoji_field.hide()
        lay.addWidget(self.emoji_field)
        self.alt_field = AltTextField()
        self.alt_field.altTextChanged.connect(lambda item_id, text: self.packs.set_alt_text(
            self.pack_name, item_id, text) if self.pack_name else None)
        self.alt_field.hide()
        lay.addWidget(self.alt_field)
        delete = QAction(self)
        delete.setShortcut(QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.triggered.connect(self._delete)
        self.addAction(delete)
        self._placeholder = self._placeholder_icon()
        self._update_buttons()

    def _placeholder_icon(self) -> QIcon:
        """A THUMB-sized blank with a small picture glyph, so items keep their size while loading."""
        dpr = self.devicePixelRatioF()
        pm = QPixmap(round(THUMB * dpr), round(THUMB * dpr))
        pm.setDevicePixelRatio(dpr)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.drawPixmap((THUMB - 40) // 2, (THUMB - 40) // 2, icon("image", theme.current().border).pixmap(40, 40))
        p.end()
        return QIcon(pm)

    def _button(self, text, icon_name, tip, slot) -> QPushButton:
        b = QPushButton(icon(icon_name), text)
        b.setToolTip(tip)
        b.setAccessibleName(text)
        b.setIconSize(QSize(16, 16))
        b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        if slot:
            b.clicked.connect(slot)
        return b

    # -- content -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the library; thumbnails load in the background."""
        if self._thumbs_task is not None:
            self._thumbs_task.cancel()
        try:
            entries = self._load_entries()
        except Exception as exc:  # noqa: BLE001 - an unreadable library is shown, not raised
            self.controller.message.emit("error", str(exc))
            entries = []
        selected = self.selected_entry()
        self.hover.stop()
        self.list.clear()
        for e in entries:
            item = QListWidgetItem(self._placeholder, (e.title or "(no caption)")[:28])
            item.setData(ENTRY_ROLE, e)
            item.setToolTip(describe(e))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, e.title or "Sticker without caption")
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.list.addItem(item)
            if selected is not None and e.id == selected.id:
                item.setSelected(True)
        n = len(entries)
        if self.pack_name is None:
            self.count_label.setText(f"{n} saved sticker{'s' if n != 1 else ''}  ·  {self.controller.library.root}")
        else:
            self.count_label.setText(f"{self.pack_name}  ·  {n} sticker{'s' if n != 1 else ''}, in pack order")
        self.empty.setText("No saved stickers yet.\nMake one in Create and press Save (Ctrl+S)."
                           if self.pack_name is None else
                           "This pack is empty.\nRight-click a sticker in All stickers: Add to pack, "
                           "or drag it onto the pack.")
        self.stack.setCurrentWidget(self.list if n else self.empty)
        self._update_buttons()
        if entries:
            side = round(THUMB * self.devicePixelRatioF())
            paths = [(e.id, e.path) for e in entries]
            colours = theme.current()

            def work(task: Task):
                for entry_id, path in paths:
                    task.check_cancel()
                    task.emit_partial((entry_id, thumbnail(path, side, colours)))

            self._thumbs_task = self.controller.runner.submit(work, kind="thumbs", on_partial=self._set_thumb)

    def _load_entries(self) -> list:
        """The library's stickers, or the shown pack's in order; the sidebar is refreshed with them."""
        lib = self.controller.library
        everything = lib.items()
        packs = lib.packs.all()
        if self.pack_name not in {p.name for p in packs}:
            self.pack_name = None
        self.sidebar.set_packs(len(everything), [(p.name, len(p.stickers)) for p in packs], self.pack_name)
        self.list.set_reorderable(self.pack_name is not None)
        if self.pack_name is None:
            self._pack_stickers = {}
            return everything
        pack = next(p for p in packs if p.name == self.pack_name)
        self._pack_stickers = {s.entry.id: s for s in pack.stickers}
        self._tray_id = pack.tray.entry.id if pack.tray else None
        return [s.entry for s in pack.stickers]

    def show_pack(self, name: str | None) -> None:
        """Show one pack's stickers in order (None: every saved sticker)."""
        if name != self.pack_name:
            self.pack_name = name
            self.refresh()

    def _reorder(self, ids: list, position: int) -> None:
        """Stickers dropped inside the shown pack move to *position*; others dropped there join it."""
        if self.pack_name is None:
            return
        outside = [i for i in ids if i not in self._pack_stickers]
        if outside:
            self.packs.add(self.pack_name, outside, self.pack_name)
        for item_id in reversed(ids):  # each goes to *position*, so the last first keeps their order
            self.packs.move(self.pack_name, item_id, position)

    def _after_pack_change(self, show: str | None) -> None:
        self.pack_name = show
        self.refresh()

    def _set_thumb(self, result) -> None:
        entry_id, image = result
        if image is None:
            return
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(ENTRY_ROLE).id == entry_id:
                pm = QPixmap.fromImage(image)
                pm.setDevicePixelRatio(self.devicePixelRatioF())
                if not self.hover.replace_still(item, QIcon(pm)):
                    item.setIcon(QIcon(pm))
                break

    @property
    def entries(self) -> list:
        return [self.list.item(i).data(ENTRY_ROLE) for i in range(self.list.count())]

    def selected_entry(self):
        """The sticker single actions (open, export, copy, delete) act on: the current one when selected."""
        current = self.list.currentItem()
        if current is not None and current.isSelected():
            return current.data(ENTRY_ROLE)
        items = self.list.selectedItems()
        return items[0].data(ENTRY_ROLE) if items else None

    def selected_entries(self) -> list:
        """Every selected sticker, in gallery order (what a drag or Add to pack takes)."""
        return [self.list.item(i).data(ENTRY_ROLE) for i in range(self.list.count()) if self.list.item(i).isSelected()]

    def select_first(self) -> None:
        if self.list.count():
            self.list.setCurrentRow(0)

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        on = entry is not None
        self.emoji_field.setVisible(self.pack_name is not None)
        member = self._pack_stickers.get(entry.id) if on else None
        self.emoji_field.show_sticker(entry if member else None, member.emojis if member else ())
        self.alt_field.setVisible(self.pack_name is not None)
        self.alt_field.show_sticker(entry if member else None, member.accessibility_text if member else "")
        for b in (self.open_button, self.export_button, self.copy_button, self.folder_button, self.delete_button):
            b.setEnabled(on)
        in_pack = self.pack_name is not None
        self.delete_button.setText("Remove from pack" if in_pack else "Delete")
        self.delete_button.setAccessibleName(self.delete_button.text())
        self.delete_button.setToolTip(f"Take the selected sticker out of “{self.pack_name}”; it stays in the "
                                      "library (Delete)" if in_pack else
                                      "Move the selected sticker to the trash (Delete; you can undo)")

    # -- actions ---------------------------------------------------------------------------------
    def _reopen(self) -> None:
        e = self.selected_entry()
        if e is not None:
            self.reopenRequested.emit(e)

    def _export(self, preset: str) -> None:
        e = self.selected_entry()
        if e is not None:
            self.exportRequested.emit(e, preset)

    def _copy(self) -> None:
        e = self.selected_entry()
        if e is not None:
            self.copyRequested.emit(e)

    def _delete(self) -> None:
        """In a pack, Delete takes the sticker out of the pack (it stays saved); elsewhere it trashes it."""
        e = self.selected_entry()
        if e is None:
            return
        if self.pack_name is not None and e.id in self._pack_stickers:
            self.packs.remove(self.pack_name, e.id)
        else:
            self.deleteRequested.emit(e)

    def _show_folder(self) -> None:
        e = self.selected_entry()
        if e is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(e.path.parent)))

    def _context_menu(self, pos) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        if not item.isSelected():  # a right-click on a selection keeps it whole
            self.list.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction(icon("create"), "Open in editor", self._reopen)
        sub = menu.addMenu(icon("export"), "Export as")
        for name in PRESETS:
            sub.addAction(PRESET_LABELS.get(name, name), lambda n=name: self._export(n))
        menu.addAction(icon("copy"), "Copy", self._copy)
        menu.addAction(icon("folder"), "Show in folder", self._show_folder)
        menu.addSeparator()
        self._pack_menu(menu, item.data(ENTRY_ROLE))
        menu.addSeparator()
        menu.addAction(icon("trash"), "Delete", self._delete)
        menu.exec(self.list.viewport().mapToGlobal(pos))

    def _pack_menu(self, menu: QMenu, entry) -> QMenu:
        """Add to pack ▸ (each pack, or a new one); in a pack view, move and remove too."""
        chosen = [e.id for e in self.selected_entries()]
        ids = chosen if entry.id in chosen else [entry.id]
        sub = menu.addMenu(icon("sticker"), "Add to pack" if len(ids) == 1 else f"Add {len(ids)} stickers to pack")
        for name in self.controller.library.packs.names():
            act = sub.addAction(name, lambda n=name: self.packs.add(n, ids, self.pack_name))
            act.setEnabled(name != self.pack_name)
        sub.addSeparator()
        sub.addAction("New pack…", lambda: self._add_to_new_pack(ids))
        member = self._pack_stickers.get(entry.id)
        if self.pack_name and member is not None:
            name, n = self.pack_name, len(self._pack_stickers)
            earlier = menu.addAction("Move earlier", lambda: self.packs.move(name, entry.id, member.position - 1))
            earlier.setEnabled(member.position > 1)
            later = menu.addAction("Move later", lambda: self.packs.move(name, entry.id, member.position + 1))
            later.setEnabled(member.position < n)
            tray = menu.addAction("Use as the pack's tray icon", lambda: self.packs.set_tray(name, entry.id))
            tray.setCheckable(True)
            tray.setChecked(self._tray_id == entry.id)
            menu.addAction(f"Remove from “{name}”", lambda: self.packs.remove(name, entry.id))
        return sub

    def _add_to_new_pack(self, ids: list[int]) -> None:
        name = self.packs.ask_create()
        if name:
            self.packs.add(name, ids, name)
