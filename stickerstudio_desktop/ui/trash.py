"""Delete a library sticker with one step of undo (the library keeps it in its trash folder)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal

from ..errors import StickerStudioError


class TrashWithUndo(QObject):
    changed = Signal()  # whether there is something to undo changed

    def __init__(self, controller, show_message: Callable[..., None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.show_message = show_message
        self.last_deleted = None

    @property
    def can_undo(self) -> bool:
        return self.last_deleted is not None

    def delete(self, entry) -> None:
        try:
            self.controller.delete_entry(entry)
        except StickerStudioError as exc:
            self.show_message("error", str(exc))
            return
        self.last_deleted = entry
        self.changed.emit()
        title = entry.title or entry.path.stem
        self.show_message("info", f"Moved “{title}” to the library's trash.", action="Undo", callback=self.undo)

    def undo(self) -> None:
        entry, self.last_deleted = self.last_deleted, None
        self.changed.emit()
        if entry is None:
            return
        try:
            self.controller.undelete_entry(entry.id)
        except StickerStudioError as exc:
            self.show_message("error", str(exc))
            return
        self.show_message("success", f"Restored “{entry.title or entry.path.stem}”.")
