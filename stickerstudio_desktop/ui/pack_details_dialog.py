"""Edit a pack's publisher and identifier: the two fields the platforms read besides its name.

The library checks both (``PackStore.set_details``); a refused value keeps
the dialog open with the library's sentence under the fields, so nothing is
half-saved and nothing typed is lost.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ..errors import StickerStudioError


class PackDetailsDialog(QDialog):
    """Publisher and identifier of one pack, saved through *store* on OK."""

    def __init__(self, store, name: str, parent=None) -> None:
        super().__init__(parent)
        self.store, self.name = store, name
        pack = store.get(name)
        self.setWindowTitle(f"Pack details: {name}")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.publisher = QLineEdit(pack.publisher)
        self.publisher.setPlaceholderText("your name or studio (WhatsApp shows it)")
        self.publisher.setAccessibleName("Publisher")
        self.identifier = QLineEdit(pack.identifier)
        self.identifier.setAccessibleName("Identifier")
        self.identifier.setToolTip("Letters, digits, dot, dash and underscore")
        form.addRow("Publisher:", self.publisher)
        form.addRow("Identifier:", self.identifier)
        lay.addLayout(form)
        note = QLabel("WhatsApp keys a pack on its identifier: change it and the app treats the pack as new.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def save(self) -> bool:
        """Store both fields; on a refusal show why and stay open."""
        try:
            self.store.set_details(self.name, publisher=self.publisher.text(),
                                   identifier=self.identifier.text().strip())
        except StickerStudioError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.accept()
        return True
