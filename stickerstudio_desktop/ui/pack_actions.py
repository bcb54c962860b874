"""What the gallery's pack buttons, menus and drops do: ask for a name, call the library, report back.

Every change goes through ``Library.packs`` or ``jobs.packs`` (the CLI's
path too); a refused change arrives as the library's one sentence on the
window's message bar and nothing else happens.
"""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from ..errors import StickerStudioError
from ..jobs.packs import add_to_pack
from .pack_details_dialog import PackDetailsDialog


class PackActions:
    """Pack changes for one gallery; *changed* (pack name to show, or None) runs after each one that worked."""

    def __init__(self, controller, parent: QWidget, changed: Callable[[str | None], None]) -> None:
        self.controller, self.parent, self.changed = controller, parent, changed

    @property
    def store(self):
        return self.controller.library.packs

    def _do(self, fn: Callable[[], object], show: str | None, success: str = "") -> bool:
        try:
            fn()
        except StickerStudioError as exc:
            self.controller.message.emit("error", str(exc))
            return False
        if success:
            self.controller.message.emit("success", success)
        self.changed(show)
        return True

    # -- packs ----------------------------------------------------------------------------------
    def ask_create(self) -> str | None:
        """Ask for a name and make the pack; its name, or None when cancelled or refused."""
        name, ok = QInputDialog.getText(self.parent, "New sticker pack", "Pack name:")
        if ok and name.strip() and self.create(name):
            return " ".join(name.split())
        return None

    def create(self, name: str) -> bool:
        return self._do(lambda: self.store.create(name), " ".join(name.split()))

    def ask_rename(self, name: str) -> None:
        new, ok = QInputDialog.getText(self.parent, "Rename sticker pack", "New name:", QLineEdit.EchoMode.Normal,
                                       name)
        if ok and new.strip() and new != name:
            self.rename(name, new)

    def rename(self, name: str, new_name: str) -> bool:
        return self._do(lambda: self.store.rename(name, new_name), " ".join(new_name.split()))

    def ask_delete(self, name: str) -> None:
        answer = QMessageBox.question(self.parent, "Delete sticker pack",
                                      f"Delete the pack “{name}”? Its stickers stay in the library.")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(name)

    def ask_details(self, name: str) -> None:
        """The publisher/identifier dialog; it saves through the library itself and stays open on a refusal."""
        dialog = PackDetailsDialog(self.store, name, self.parent)
        if dialog.exec() == PackDetailsDialog.DialogCode.Accepted:
            self.controller.message.emit("success", f"Saved the details of “{name}”.")
            self.changed(name)

    def delete(self, name: str) -> bool:
        return self._do(lambda: self.store.delete(name), None, f"Deleted the pack “{name}”.")

    # -- stickers -------------------------------------------------------------------------------
    def add(self, name: str, ids: Sequence[int], show: str | None = None) -> bool:
        """Append library stickers (emojis suggested from each caption); *show* is the pack to show after."""
        def work() -> None:
            add_to_pack(self.controller.app, name, [self.controller.library.get(i) for i in ids], create=False)
        n = len(ids)
        return self._do(work, show, f"Added {n} sticker{'s' * (n != 1)} to “{name}”.")

    def remove(self, name: str, item_id: int) -> bool:
        return self._do(lambda: self.store.remove(name, item_id), name,
                        f"Removed the sticker from “{name}”; it is still in All stickers.")

    def move(self, name: str, item_id: int, position: int) -> bool:
        return self._do(lambda: self.store.move(name, item_id, position), name)

    def set_emojis(self, name: str, item_id: int, emojis: Sequence[str]) -> bool:
        return self._do(lambda: self.store.set_emojis(name, item_id, emojis), name)

    def set_tray(self, name: str, item_id: int) -> bool:
        return self._do(lambda: self.store.set_tray(name, item_id), name)

    def set_alt_text(self, name: str, item_id: int, text: str) -> bool:
        return self._do(lambda: self.store.set_accessibility_text(name, item_id, text), name)
