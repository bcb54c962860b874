"""Export a pack: pick the platform, see how the pack meets each platform's rules, write only when it does.

The checks are the exporters' own (``packs`` ``check``, nothing is encoded
or written for them); writing runs ``jobs.packs.export_pack`` on the task
runner, which checks again, so the dialog can never write a pack that breaks
a rule.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import StickerStudioError
from ..jobs.packs import export_pack, upload_to_telegram
from ..library import slugify
from ..packs.platforms import PLATFORMS, get_platform
from ..packs.telegram_bot import save_bot_token, token_source
from . import theme
from .icons import icon

#: How the platforms are named in the window.
PLATFORM_LABELS = {"whatsapp": "WhatsApp (.wastickers)", "telegram": "Telegram (folder)", "signal": "Signal (folder)"}


def platform_check(pack, platform: str) -> str | None:
    """The platform's first broken rule for *pack*, as one sentence, or None when every rule holds."""
    try:
        get_platform(platform).check(pack)
    except StickerStudioError as exc:
        return str(exc)
    return None


def rules_summary(platform: str) -> str:
    r = get_platform(platform).rules
    emojis = (f"{r.min_emojis}–{r.max_emojis} emojis each" if r.max_emojis else
              f"at least {r.min_emojis} emoji each" if r.min_emojis else "emojis optional")
    return (f"{r.min_stickers}–{r.max_stickers} stickers, {emojis}, "
            f"needs {', '.join(r.required)}")


class PackExportDialog(QDialog):
    exported = Signal(object)  # PackExport

    def __init__(self, controller, pack_name: str, start_dir: Path, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.pack = controller.library.packs.get(pack_name)
        self.start_dir = Path(start_dir)
        self.setWindowTitle(f"Export “{self.pack.name}”")
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.platform = QComboBox()
        for name in PLATFORMS:
            self.platform.addItem(PLATFORM_LABELS.get(name, name), name)
        self.platform.currentIndexChanged.connect(self._update)
        form.addRow("Platform", self.platform)
        self.publisher = QLineEdit(self.pack.publisher)
        self.publisher.setPlaceholderText("Your name (WhatsApp needs one)")
        self.publisher.textChanged.connect(self._update)
        form.addRow("Publisher", self.publisher)
        where = QHBoxLayout()
        self.target = QLineEdit()
        self.target.setAccessibleName("Where the pack is written")
        browse = QPushButton(icon("folder"), "Choose…")
        browse.clicked.connect(self._browse)
        where.addWidget(self.target, 1)
        where.addWidget(browse)
        form.addRow("Write to", where)
        lay.addLayout(form)
        self._build_upload(lay)
        title = QLabel("Platform rules")
        title.setObjectName("SectionTitle")
        lay.addWidget(title)
        self.checks = QListWidget()
        self.checks.setAccessibleName("Rule checks")
        self.checks.setWordWrap(True)
        lay.addWidget(self.checks, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.write_button = self.buttons.addButton("Write pack", QDialogButtonBox.ButtonRole.ActionRole)
        self.write_button.setObjectName("Primary")
        self.write_button.clicked.connect(self.write)
        self.upload_button = self.buttons.addButton("Upload to Telegram", QDialogButtonBox.ButtonRole.ActionRole)
        self.upload_button.clicked.connect(self.upload)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._running = False
        self._update()

    def _build_upload(self, lay: QVBoxLayout) -> None:
        """Telegram only: create or extend the sticker set through the Bot API, off the GUI thread."""
        self.upload_box = QWidget()
        form = QFormLayout(self.upload_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.user_id = QLineEdit()
        self.user_id.setPlaceholderText("your numeric Telegram user id (the set's owner)")
        self.user_id.setAccessibleName("Telegram user id")
        self.user_id.textChanged.connect(self._update)
        form.addRow("Owner id", self.user_id)
        self.set_name = QLineEdit()
        self.set_name.setPlaceholderText("default: from the pack name, ending in _by_<bot>")
        self.set_name.setAccessibleName("Telegram set name")
        form.addRow("Set name", self.set_name)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName("Telegram bot token")
        self.token.textChanged.connect(self._update)
        form.addRow("Bot token", self.token)
        lay.addWidget(self.upload_box)

    def _token_hint(self) -> None:
        source = token_source()
        self.token.setPlaceholderText(
            "from TELEGRAM_BOT_TOKEN" if source == "environment" else
            "saved in the system keyring; paste another to replace it" if source == "keyring" else
            "paste the token @BotFather gave you (kept in the system keyring)")

    def _can_upload(self) -> bool:
        return (self.platform_name == "telegram" and self.results.get("telegram") is None and not self._running
                and self.user_id.text().strip().isdigit()
                and (bool(self.token.text().strip()) or token_source() is not None))

    @property
    def platform_name(self) -> str:
        return self.platform.currentData()

    def _checked_pack(self):
        return replace(self.pack, publisher=" ".join(self.publisher.text().split()))

    def _default_target(self, platform: str) -> Path:
        return self.start_dir / f"{slugify(self.pack.name)}-{platform}{get_platform(platform).suffix}"

    def _update(self) -> None:
        """Re-read the pack and re-check every platform; the chosen one decides whether Write is possible."""
        try:
            self.pack = self.controller.library.packs.get(self.pack.name)  # edited in the gallery meanwhile
        except StickerStudioError as exc:
            self._show(str(exc), "Error")
        pack, chosen = self._checked_pack(), self.platform_name
        if not self.target.isModified() or not self.target.text():
            self.target.setText(str(self._default_target(chosen)))
        self.checks.clear()
        self.results: dict[str, str | None] = {}
        for name in PLATFORMS:
            why = platform_check(pack, name)
            self.results[name] = why
            label = PLATFORM_LABELS.get(name, name).split(" (")[0]
            text = f"{label}: {'all rules met' if why is None else why}\n{rules_summary(name)}"
            t = theme.current()
            item = QListWidgetItem(icon("success", t.success) if why is None else icon("error", t.danger), text)
            if name != chosen:
                item.setForeground(self.palette().placeholderText())
            self.checks.addItem(item)
        self.write_button.setEnabled(self.results[chosen] is None and not self._running)
        self.upload_box.setVisible(chosen == "telegram")
        self.upload_button.setVisible(chosen == "telegram")
        self._token_hint()
        self.upload_button.setEnabled(self._can_upload())

    def _browse(self) -> None:
        suffix = get_platform(self.platform_name).suffix
        if suffix:
            path, _ = QFileDialog.getSaveFileName(self, "Write the pack", self.target.text(), f"*{suffix}")
        else:
            path = QFileDialog.getExistingDirectory(self, "Write the pack into a new folder",
                                                    str(Path(self.target.text()).parent))
            path = str(Path(path) / Path(self.target.text()).name) if path else ""
        if path:
            self.target.setText(path)
            self.target.setModified(True)

    def write(self) -> None:
        """Export on the task runner; the dialog stays open and says how it went."""
        if self.results.get(self.platform_name) is not None or self._running:
            return
        ctx, name, platform = self.controller.app, self.pack.name, self.platform_name
        target, publisher = Path(self.target.text()), " ".join(self.publisher.text().split())
        if publisher != self.pack.publisher:
            self.pack = ctx.library.packs.set_details(name, publisher=publisher)
        self._running = True
        self.write_button.setEnabled(False)
        self.status.setObjectName("Muted")
        self.status.setText("Writing…")
        self.controller.runner.submit(lambda task: export_pack(ctx, name, platform, target), kind="pack-export",
                                      on_done=self._done, on_failed=self._failed)

    def upload(self) -> None:
        """Save a pasted token in the keyring, then upload on the task runner; the dialog says how it went."""
        if not self._can_upload():
            return
        if self.token.text().strip():
            try:
                save_bot_token(self.token.text())
            except StickerStudioError as exc:
                self._show(str(exc), "Error")
                return
            self.token.clear()
        ctx, name, owner = self.controller.app, self.pack.name, int(self.user_id.text().strip())
        set_name = self.set_name.text().strip() or None
        self._running = True
        self._update()
        self._show("Uploading to Telegram…", "Muted")
        self.controller.runner.submit(
            lambda task: upload_to_telegram(ctx, name, owner, set_name=set_name, control=task),
            kind="pack-upload", on_done=self._uploaded, on_failed=self._failed)

    def _uploaded(self, up) -> None:
        self._running = False
        self._show(f"{'Created' if up.created else 'Extended'} {up.set_name} with {up.added} stickers: {up.link}",
                   "Muted")
        self._update()

    def _done(self, result) -> None:
        self._running = False
        self._show(f"Wrote {len(result.stickers)} stickers for {result.platform} to {result.path}.", "Muted")
        self._update()
        self.exported.emit(result)

    def _failed(self, text: str) -> None:
        self._running = False
        self._show(text, "Error")
        self._update()

    def _show(self, text: str, style: str) -> None:
        self.status.setObjectName(style)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)
