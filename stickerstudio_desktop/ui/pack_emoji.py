"""The emoji field of the selected pack sticker: 1–3 emojis, suggested from its caption, checked as typed.

Chat apps find stickers by these emojis, so a bad entry is named at once and
never stored; the library's own check (``check_emojis``) has the last word.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from ..errors import LibraryError
from ..library.emoji import DEFAULT_EMOJI, KEYWORDS, MAX_EMOJIS, split_emojis, suggest_emojis
from ..library.packs import check_emojis


def parse_emojis(text: str) -> tuple[tuple[str, ...], str | None]:
    """The emojis typed in *text* and, when they cannot be kept, the one sentence saying why."""
    found = split_emojis(text)
    if "".join(found) != "".join(text.split()):
        return tuple(found), "Only emojis here, like 😀 or 👍."
    if not found:
        return (), f"Give 1 to {MAX_EMOJIS} emojis; chat apps find the sticker by them."
    try:
        return check_emojis(found), None
    except LibraryError as exc:
        return tuple(found), str(exc)


#: Width of the field labels under the pack, so the fields line up.
LABEL_WIDTH = 56
#: What the picker offers: the emojis captions suggest, most common first.
PICKER_EMOJIS = tuple(dict.fromkeys([DEFAULT_EMOJI, *KEYWORDS.values()]))


class EmojiPicker(QToolButton):
    """A button whose popup is a grid of emojis; a click adds one to the field."""

    picked = Signal(str)

    def __init__(self, parent=None, columns: int = 8) -> None:
        super().__init__(parent)
        self.setText("😀")
        self.setObjectName("Soft")  # styled like the push buttons beside it
        self.setToolTip("Pick an emoji")
        self.setAccessibleName("Pick an emoji")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        grid_widget = QWidget(menu)
        grid = QGridLayout(grid_widget)
        grid.setSpacing(2)
        self.buttons: list[QToolButton] = []
        for i, emoji in enumerate(PICKER_EMOJIS):
            b = QToolButton()
            b.setText(emoji)
            b.setAutoRaise(True)
            b.setAccessibleName(emoji)
            b.clicked.connect(lambda _=False, e=emoji: (menu.close(), self.picked.emit(e)))
            grid.addWidget(b, i // columns, i % columns)
            self.buttons.append(b)
        action = QWidgetAction(menu)
        action.setDefaultWidget(grid_widget)
        menu.addAction(action)
        self.setMenu(menu)


class EmojiField(QWidget):
    emojisChanged = Signal(int, tuple)  # library id, the valid emojis

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entry = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        row = QHBoxLayout()
        self.label = QLabel("Emojis")
        self.label.setObjectName("Muted")
        self.label.setFixedWidth(LABEL_WIDTH)
        row.addWidget(self.label)
        self.edit = QLineEdit()
        self.edit.setAccessibleName("Emojis of the selected pack sticker")
        self.edit.setToolTip(f"1 to {MAX_EMOJIS} emojis; chat apps suggest the sticker when one is typed")
        self.edit.textEdited.connect(self._check)
        self.edit.editingFinished.connect(self._commit)
        font = self.edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.edit.setFont(font)
        self.edit.setFixedWidth(180)
        row.addWidget(self.edit)
        self.picker = EmojiPicker()
        self.picker.picked.connect(self._add)
        row.addWidget(self.picker)
        self.suggest_button = QPushButton("Suggest")
        self.suggest_button.setToolTip("Emojis suggested from the sticker's caption")
        self.suggest_button.clicked.connect(self._suggest)
        row.addWidget(self.suggest_button)
        hint = QLabel(f"1 to {MAX_EMOJIS} per sticker; chat apps suggest it when one is typed")
        hint.setObjectName("Muted")
        row.addWidget(hint, 1)
        lay.addLayout(row)
        self.problem = QLabel()
        self.problem.setObjectName("Error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        lay.addWidget(self.problem)
        self.setEnabled(False)

    def show_sticker(self, entry, emojis: tuple[str, ...]) -> None:
        """Edit this pack sticker's emojis (None: nothing selected)."""
        self._entry = entry
        self.setEnabled(entry is not None)
        self.edit.setText(" ".join(emojis))
        self.problem.hide()

    def _check(self) -> tuple[str, ...] | None:
        emojis, why = parse_emojis(self.edit.text())
        self.problem.setText(why or "")
        self.problem.setVisible(bool(why))
        return None if why else emojis

    def _commit(self) -> None:
        emojis = self._check()
        if self._entry is not None and emojis is not None:
            self.emojisChanged.emit(self._entry.id, emojis)

    def _add(self, emoji: str) -> None:
        """The picked emoji joins the others (the check names a fourth one)."""
        self.edit.setText(" ".join([*split_emojis(self.edit.text()), emoji]))
        self._commit()

    def _suggest(self) -> None:
        if self._entry is not None:
            self.edit.setText(" ".join(suggest_emojis(self._entry.title)))
            self._commit()
