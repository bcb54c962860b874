"""The side panel: caption, font, colours, layout, engine and export preset.

Every change emits a complete ``StickerStyle`` at once (no apply button);
the controller re-composes from the cached analysis, so edits show up live.
Fonts are listed in their own faces (registered with QFontDatabase from the
bundled files); colours use QColorDialog with the user's recent colours.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
)

from ..jobs.engines import ENGINE_CHOICES
from ..sticker.compose import MAX_OUTLINE_PX, StickerStyle
from ..sticker.fonts import FALLBACK_FONT, list_fonts
from ..sticker.presets import PRESETS

ENGINE_LABELS = {"auto": "Auto", "fast": "Fast", "quality": "High quality"}
PRESET_LABELS = {"whatsapp": "WhatsApp", "telegram": "Telegram", "signal": "Signal", "discord": "Discord",
                 "png": "PNG (full size)"}
ENGINE_TIPS = {
    "auto": "Picks the best installed model for the photo (a trained YOLO model when there is one).",
    "fast": "The small, quick model: good for clear single subjects.",
    "quality": "The large U²-Net model: slower, cleaner edges on hard photos.",
}
_registered: dict[str, str] = {}


def font_family(name: str) -> str | None:
    """Register the bundled font file once; the Qt family name to show it in.

    The plain fallback face is not registered: we ship only its bold cut, and
    registering it would make fontconfig render the whole UI in bold
    wherever "sans-serif" resolves to Noto Sans.
    """
    if name in _registered:
        return _registered[name] or None
    family = ""
    if name == FALLBACK_FONT:
        _registered[name] = ""
        return None
    for f in list_fonts():
        if f.name == name:
            fid = QFontDatabase.addApplicationFont(str(f.path))
            fams = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
            family = fams[0] if fams else ""
    _registered[name] = family
    return family or None


def swatch_icon(colour: str, size: int = 16) -> QIcon:
    pm = QPixmap(size * 2, size * 2)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor(127, 127, 127, 160))
    p.setBrush(QColor(colour))
    p.drawRoundedRect(1, 1, size * 2 - 2, size * 2 - 2, 8, 8)
    p.end()
    pm.setDevicePixelRatio(2.0)
    return QIcon(pm)


class ColourButton(QPushButton):
    """Shows the colour; a click opens QColorDialog seeded with recent colours."""

    colourChanged = Signal(str)

    def __init__(self, title: str, colour: str, prefs=None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Swatch")
        self.title = title
        self.prefs = prefs
        self.setIconSize(QSize(16, 16))
        self.setAccessibleName(title)
        self.setToolTip(f"Choose the {title.lower()}")
        self.clicked.connect(self.choose)
        self.colour = ""
        self.set_colour(colour, emit=False)

    def set_colour(self, colour: str, emit: bool = True) -> None:
        colour = QColor(colour).name().upper()
        if colour == self.colour:
            return
        self.colour = colour
        self.setText(colour)
        self.setIcon(swatch_icon(colour))
        self.setAccessibleDescription(f"{self.title}: {colour}")
        if emit:
            self.colourChanged.emit(colour)

    def choose(self) -> None:
        recent = self.prefs.recent_colours() if self.prefs else []
        for i, c in enumerate(recent[:16]):
            QColorDialog.setCustomColor(i, QColor(c))
        picked = QColorDialog.getColor(QColor(self.colour), self.window(), f"Choose the {self.title.lower()}")
        if picked.isValid():
            if self.prefs:
                self.prefs.add_recent_colour(picked.name())
            self.set_colour(picked.name())


def section(title: str) -> QLabel:
    label = QLabel(title.upper())
    label.setObjectName("SectionTitle")
    return label


class StickerControls(QFrame):
    styleChanged = Signal(object)  # StickerStyle
    engineChanged = Signal(str)
    presetChanged = Signal(str)
    allSubjectsChanged = Signal(bool)

    def __init__(self, style: StickerStyle, engine: str, preset: str, prefs=None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.prefs = prefs
        self._emitting = True
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 16, 18, 16)
        lay.setSpacing(10)

        lay.addWidget(section("Caption"))
        self.caption = QLineEdit()
        self.caption.setPlaceholderText("Add a caption… emoji welcome 🎉")
        self.caption.setClearButtonEnabled(True)
        self.caption.setAccessibleName("Caption text")
        self.caption.setToolTip("Text drawn on the sticker; changes show up as you type")
        self.caption.setMaxLength(200)
        lay.addWidget(self.caption)

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.font_combo = QComboBox()
        self.font_combo.setAccessibleName("Caption font")
        self.font_combo.setToolTip("Caption font (each one is shown in its own face)")
        for f in list_fonts():
            self.font_combo.addItem(f.name, f.name)
            fam = font_family(f.name)
            if fam:
                qf = QFont(fam)
                qf.setPointSize(13)
                self.font_combo.setItemData(self.font_combo.count() - 1, qf, Qt.ItemDataRole.FontRole)
            self.font_combo.setItemData(self.font_combo.count() - 1, f"{f.name}: {f.style} ({f.license})",
                                        Qt.ItemDataRole.ToolTipRole)
        form.addRow("Font", self.font_combo)
        colours = QHBoxLayout()
        colours.setSpacing(8)
        self.text_colour = ColourButton("Text colour", style.text_color, prefs)
        self.stroke_colour = ColourButton("Outline colour", style.stroke_color, prefs)
        self.text_colour.setToolTip("Caption fill colour")
        self.stroke_colour.setToolTip("Caption outline (stroke) colour")
        colours.addWidget(self.text_colour)
        colours.addWidget(self.stroke_colour)
        form.addRow("Colours", colours)
        pos = QHBoxLayout()
        pos.setSpacing(0)
        self.position_group = QButtonGroup(self)
        self.top_button = QPushButton("Top")
        self.bottom_button = QPushButton("Bottom")
        for i, (b, name) in enumerate(((self.top_button, "SegmentFirst"), (self.bottom_button, "SegmentLast"))):
            b.setObjectName(name)
            b.setCheckable(True)
            b.setAccessibleName(f"Caption at the {b.text().lower()}")
            b.setToolTip(f"Put the caption at the {b.text().lower()} of the sticker")
            self.position_group.addButton(b, i)
            pos.addWidget(b)
        pos.addStretch()
        form.addRow("Position", pos)
        lay.addLayout(form)

        lay.addSpacing(6)
        lay.addWidget(section("Sticker"))
        form2 = QFormLayout()
        form2.setHorizontalSpacing(12)
        form2.setVerticalSpacing(8)
        form2.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        outline_row = QHBoxLayout()
        self.outline = QSlider(Qt.Orientation.Horizontal)
        self.outline.setRange(0, MAX_OUTLINE_PX)
        self.outline.setPageStep(4)
        self.outline.setAccessibleName("White outline width")
        self.outline.setToolTip("Width of the white die-cut border, in pixels at 512 px")
        self.outline_value = QLabel()
        self.outline_value.setObjectName("Muted")
        self.outline_value.setMinimumWidth(46)
        self.outline_value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        outline_row.addWidget(self.outline, 1)
        outline_row.addWidget(self.outline_value)
        form2.addRow("Outline", outline_row)
        self.shadow = QCheckBox("Soft drop shadow")
        self.shadow.setAccessibleName("Drop shadow")
        self.shadow.setToolTip("Add a soft shadow under the sticker")
        form2.addRow("", self.shadow)
        self.all_subjects = QCheckBox("Use all subjects")
        self.all_subjects.setAccessibleName("All subjects")
        self.all_subjects.setToolTip("Keep every detected subject instead of the main one "
                                     "(or pick them one by one in the Subjects view)")
        form2.addRow("", self.all_subjects)
        self.engine = QComboBox()
        self.engine.setAccessibleName("Cut-out engine")
        for choice in ENGINE_CHOICES:
            self.engine.addItem(ENGINE_LABELS[choice], choice)
            self.engine.setItemData(self.engine.count() - 1, ENGINE_TIPS[choice], Qt.ItemDataRole.ToolTipRole)
        self.engine.setToolTip("Which model cuts the subject out; changing it re-runs the cut-out")
        form2.addRow("Engine", self.engine)
        lay.addLayout(form2)

        lay.addSpacing(6)
        lay.addWidget(section("Export"))
        form3 = QFormLayout()
        form3.setHorizontalSpacing(12)
        form3.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.preset = QComboBox()
        self.preset.setAccessibleName("Export preset")
        for name, p in PRESETS.items():
            self.preset.addItem(PRESET_LABELS.get(name, name), name)
            self.preset.setItemData(self.preset.count() - 1, p.description, Qt.ItemDataRole.ToolTipRole)
        self.preset.setToolTip("Size, format and file-size limit of the saved sticker")
        form3.addRow("Preset", self.preset)
        lay.addLayout(form3)
        self.preset_note = QLabel()
        self.preset_note.setObjectName("Muted")
        self.preset_note.setWordWrap(True)
        lay.addWidget(self.preset_note)
        self.buttons = QVBoxLayout()
        self.buttons.setSpacing(8)
        lay.addLayout(self.buttons)
        lay.addStretch(1)

        self.set_style(style)
        self.set_engine(engine)
        self.set_preset(preset)
        self.caption.textChanged.connect(self._changed)
        self.font_combo.currentIndexChanged.connect(self._changed)
        self.text_colour.colourChanged.connect(self._changed)
        self.stroke_colour.colourChanged.connect(self._changed)
        self.position_group.idClicked.connect(self._changed)
        self.outline.valueChanged.connect(self._changed)
        self.shadow.toggled.connect(self._changed)
        self.all_subjects.toggled.connect(self.allSubjectsChanged)
        self.engine.currentIndexChanged.connect(lambda _: self.engineChanged.emit(self.engine.currentData()))
        self.preset.currentIndexChanged.connect(self._preset_changed)

    def add_button(self, button: QPushButton) -> None:
        self.buttons.addWidget(button)

    # -- reading and writing the style ---------------------------------------------------------
    def style(self) -> StickerStyle:
        return StickerStyle(
            caption=self.caption.text(), font=self.font_combo.currentData() or "",
            text_color=self.text_colour.colour, stroke_color=self.stroke_colour.colour,
            position="top" if self.top_button.isChecked() else "bottom",
            outline_px=int(self.outline.value()), shadow=self.shadow.isChecked())

    def set_style(self, style: StickerStyle) -> None:
        self._emitting = False
        try:
            if self.caption.text() != style.caption:
                self.caption.setText(style.caption)
            i = self.font_combo.findData(style.font)
            self.font_combo.setCurrentIndex(max(0, i))
            self._apply_caption_font()
            self.text_colour.set_colour(style.text_color, emit=False)
            self.stroke_colour.set_colour(style.stroke_color, emit=False)
            (self.top_button if style.position == "top" else self.bottom_button).setChecked(True)
            self.outline.setValue(style.outline_px)
            self.outline_value.setText(f"{style.outline_px} px")
            self.shadow.setChecked(style.shadow)
        finally:
            self._emitting = True

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)

    def set_engine(self, choice: str) -> None:
        i = self.engine.findData(choice)
        if i >= 0 and i != self.engine.currentIndex():
            self.engine.blockSignals(True)
            self.engine.setCurrentIndex(i)
            self.engine.blockSignals(False)

    def set_preset(self, name: str) -> None:
        i = self.preset.findData(name)
        if i >= 0:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(i)
            self.preset.blockSignals(False)
        self._update_preset_note()

    def set_all_subjects(self, on: bool) -> None:
        self.all_subjects.blockSignals(True)
        self.all_subjects.setChecked(on)
        self.all_subjects.blockSignals(False)

    def set_subject_count(self, n: int) -> None:
        self.all_subjects.setEnabled(n > 1)
        self.all_subjects.setText(f"Use all {n} subjects" if n > 1 else "Use all subjects")

    def _apply_caption_font(self) -> None:
        fam = font_family(self.font_combo.currentData() or "")
        f = QFont(self.font())
        if fam:
            f.setFamily(fam)
            f.setPointSizeF(self.font().pointSizeF() + 2)  # display faces run small next to the UI font
        self.font_combo.setFont(f)

    def _changed(self, *_) -> None:
        self.outline_value.setText(f"{self.outline.value()} px")
        self._apply_caption_font()
        if self._emitting:
            self.styleChanged.emit(self.style())

    def _preset_changed(self, *_) -> None:
        self._update_preset_note()
        self.presetChanged.emit(self.preset.currentData())

    def _update_preset_note(self) -> None:
        p = PRESETS.get(self.preset.currentData())
        self.preset_note.setText(p.description if p else "")

