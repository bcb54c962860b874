"""Settings: API keys (system keyring only), defaults, data folder, metrics, training, threads.

Keys go through ``genai.keys`` into the keyring and are never written to
QSettings or settings.json; the fields stay empty and only say where a key
comes from. Everything else is validated by ``Settings.validate`` before the
dialog closes, so a bad value is explained here, not later.
"""

from __future__ import annotations

import copy
import logging

from PySide6.QtCore import QSize, Qt, QTime, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ..config.settings import Settings
from ..errors import ConfigError
from ..sticker.fonts import list_fonts
from ..sticker.presets import PRESETS
from .controls import PRESET_LABELS, font_family
from .icons import icon

log = logging.getLogger(__name__)

KEY_PROVIDERS = (("stability", "Stability AI"), ("modelslab", "ModelsLab"))


def _keys_module():
    try:
        from ..genai import keys
        return keys
    except ImportError:  # the genai component is optional
        return None


class KeyRow(QWidget):
    """Password field + Remove for one provider's key."""

    def __init__(self, provider: str, label: str, keys, parent=None) -> None:
        super().__init__(parent)
        self.provider, self.keys = provider, keys
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        row = QHBoxLayout()
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName(f"{label} API key")
        self.edit.setToolTip(f"Paste a new {label} key; it is stored in the system keyring")
        self.remove = QPushButton("Remove")
        self.remove.setAccessibleName(f"Remove the {label} key")
        self.remove.setToolTip(f"Forget the {label} key stored in the keyring")
        self.remove.clicked.connect(self._remove)
        row.addWidget(self.edit, 1)
        row.addWidget(self.remove)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("Muted")
        lay.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        if self.keys is None:
            self.setEnabled(False)
            self.status.setText("Text-to-image is not installed in this build.")
            return
        try:
            source = self.keys.key_source(self.provider)
        except Exception:  # noqa: BLE001 - a broken keyring reads as "no key"
            source = None
        self.edit.setPlaceholderText({"environment": "Set by an environment variable",
                                      "keyring": "Saved in the system keyring"}.get(source, "Not set"))
        env = self.keys.ENV_VARS.get(self.provider, "")
        self.status.setText({"environment": f"Using {env} from the environment.",
                             "keyring": "A key is saved; paste a new one to replace it."}.get(
            source, f"No key yet (or set {env})."))
        self.remove.setEnabled(source == "keyring")

    def _remove(self) -> None:
        self.keys.delete_api_key(self.provider)
        self.refresh()

    def save(self) -> None:
        text = self.edit.text().strip()
        if text and self.keys is not None:
            self.keys.save_api_key(self.provider, text)  # ConfigError explains a missing keyring
            self.edit.clear()
            self.refresh()


def _card(grid: QGridLayout, row: int, col: int, title: str, icon_name: str, span: int = 1) -> QFormLayout:
    """A titled card in the dialog's grid; returns its form."""
    card = QFrame()
    card.setObjectName("Card")
    v = QVBoxLayout(card)
    v.setContentsMargins(16, 12, 16, 14)
    v.setSpacing(10)
    head = QHBoxLayout()
    glyph = QLabel()
    glyph.setPixmap(icon(icon_name).pixmap(QSize(16, 16), card.devicePixelRatioF()))
    head.addWidget(glyph)
    label = QLabel(title.upper())
    label.setObjectName("SectionTitle")
    head.addWidget(label, 1)
    v.addLayout(head)
    form = QFormLayout()
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(8)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    v.addLayout(form)
    v.addStretch(1)
    grid.addWidget(card, row, col, 1, span)
    return form


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, paths, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(680)
        self.settings = settings
        self.paths = paths
        self.result_settings: Settings | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 16, 18, 16)
        lay.setSpacing(12)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        lay.addLayout(grid, 1)

        form = _card(grid, 0, 0, "Stickers", "sticker")
        self.preset = QComboBox()
        self.preset.setAccessibleName("Default export preset")
        for name, p in PRESETS.items():
            self.preset.addItem(PRESET_LABELS.get(name, name), name)
            self.preset.setItemData(self.preset.count() - 1, p.description, Qt.ItemDataRole.ToolTipRole)
        self.preset.setCurrentIndex(max(0, self.preset.findData(settings.preset)))
        self.preset.setToolTip("The preset new stickers are saved with")
        form.addRow("Default preset", self.preset)
        self.font = QComboBox()
        self.font.setAccessibleName("Default caption font")
        self.font.setToolTip("The font new captions start in")
        for f in list_fonts():
            self.font.addItem(f.name, f.name)
            fam = font_family(f.name)
            if fam:
                self.font.setItemData(self.font.count() - 1, QFont(fam, 12), Qt.ItemDataRole.FontRole)
        self.font.setCurrentIndex(max(0, self.font.findData(settings.font)))
        form.addRow("Default font", self.font)

        form = _card(grid, 0, 1, "Nightly training", "refresh")
        self.nightly = QCheckBox("Retrain every night")
        self.nightly.setChecked(settings.nightly_enabled)
        self.nightly.setAccessibleName("Nightly training")
        self.nightly.setToolTip("Train and evaluate a new cut-out model from your stickers each night")
        form.addRow("", self.nightly)
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        h, m = (int(x) for x in settings.nightly_time.split(":"))
        self.time.setTime(QTime(h, m))
        self.time.setAccessibleName("Nightly training time")
        self.time.setToolTip("When the nightly training starts (the app must be running, e.g. in the tray)")
        form.addRow("Start at", self.time)

        form = _card(grid, 1, 0, "Text to image", "generate", span=2)
        keys = _keys_module()
        self.key_rows = [KeyRow(p, label, keys) for p, label in KEY_PROVIDERS]
        for (_, label), row in zip(KEY_PROVIDERS, self.key_rows):
            form.addRow(f"{label} key", row)
        note = QLabel("Keys are kept in the system keyring, never in a settings file.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        form.addRow("", note)

        form = _card(grid, 2, 0, "App", "settings", span=2)
        folder_row = QHBoxLayout()
        self.data_folder = QLineEdit(str(paths.data))
        self.data_folder.setReadOnly(True)
        self.data_folder.setAccessibleName("Data folder")
        self.data_folder.setToolTip("Where the library, trained models and logs live. To move it, start "
                                    "Sticker Studio with --home DIR or STICKERSTUDIO_HOME=DIR.")
        open_folder = QPushButton(icon("folder"), "Open")
        open_folder.setAccessibleName("Open the data folder")
        open_folder.setToolTip("Show the data folder in the file manager")
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data))))
        folder_row.addWidget(self.data_folder, 1)
        folder_row.addWidget(open_folder)
        form.addRow("Data folder", folder_row)
        numbers = QHBoxLayout()
        self.threads = QSpinBox()
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText("Automatic")
        self.threads.setValue(settings.cpu_threads)
        self.threads.setAccessibleName("CPU threads")
        self.threads.setToolTip("Threads each model may use; takes effect after a restart")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(settings.metrics_port)
        self.port.setAccessibleName("Metrics port")
        self.port.setToolTip("Prometheus metrics are served on 127.0.0.1 at this port")
        numbers.addWidget(self.threads, 1)
        numbers.addSpacing(16)
        port_label = QLabel("Metrics port")
        port_label.setBuddy(self.port)
        numbers.addWidget(port_label)
        numbers.addSpacing(8)
        numbers.addWidget(self.port, 1)
        form.addRow("CPU threads", numbers)

        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setAccessibleName("Settings error")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def values(self) -> Settings:
        """A validated copy of the settings with the dialog's values."""
        s = copy.deepcopy(self.settings)
        s.preset = self.preset.currentData()
        s.font = self.font.currentData()
        s.cpu_threads = self.threads.value()
        s.metrics_port = self.port.value()
        s.nightly_enabled = self.nightly.isChecked()
        s.nightly_time = self.time.time().toString("HH:mm")
        return s.validate()

    def accept(self) -> None:  # noqa: D401 - Qt override
        try:
            values = self.values()
            for row in self.key_rows:
                row.save()
        except ConfigError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.result_settings = values
        super().accept()
