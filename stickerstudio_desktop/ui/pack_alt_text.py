"""The accessibility text of the selected pack sticker: what screen readers say for it in chat apps."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from ..library.packs import MAX_ACCESSIBILITY
from .pack_emoji import LABEL_WIDTH


class AltTextField(QWidget):
    altTextChanged = Signal(int, str)  # library id, the new text

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entry = None
        self._shown = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Alt text")
        label.setObjectName("Muted")
        label.setFixedWidth(LABEL_WIDTH)
        row.addWidget(label)
        self.edit = QLineEdit()
        self.edit.setMaxLength(MAX_ACCESSIBILITY)
        self.edit.setPlaceholderText("Describe the sticker for people using a screen reader (optional)")
        self.edit.setAccessibleName("Accessibility text of the selected pack sticker")
        self.edit.editingFinished.connect(self._commit)
        row.addWidget(self.edit, 1)
        self.setEnabled(False)

    def show_sticker(self, entry, text: str) -> None:
        """Edit this pack sticker's text (None: nothing selected)."""
        self._entry, self._shown = entry, text
        self.setEnabled(entry is not None)
        self.edit.setText(text)

    def _commit(self) -> None:
        text = " ".join(self.edit.text().split())
        if self._entry is not None and text != self._shown:
            self._shown = text
            self.altTextChanged.emit(self._entry.id, text)
