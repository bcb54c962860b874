"""The main window: wires the drop zone, preview, controls, gallery and tray to the controller.

No image work happens here; every button calls the controller (which runs
models on worker threads) and every result comes back as a signal.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDrag, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..errors import ConfigError, StickerStudioError
from ..imaging.suffixes import IMAGE_SUFFIXES
from ..jobs.context import AppContext
from ..jobs.engines import engine_setting
from ..sticker.compose import STYLE_DEFAULT_FIELDS
from ..sticker.presets import get_preset
from . import theme
from .controller import EditorController
from .controls import StickerControls
from .drop_zone import DropZone, mime_for_file, payload_from_mime
from .gallery import GalleryView
from .icons import app_icon, icon
from .message_bar import MessageBar
from .metrics_service import MetricsService
from .qt_settings import Preferences, open_qsettings
from .steps import StepIndicator
from .training import TrainingAdapter
from .tray import TrayController

log = logging.getLogger(__name__)

IMAGE_FILTER = f"Images ({' '.join('*' + s for s in IMAGE_SUFFIXES)});;All files (*)"
#: Settings the settings dialog edits.
DIALOG_FIELDS = ("preset", "font", "metrics_port", "nightly_time", "nightly_enabled", "cpu_threads")


class MainWindow(QMainWindow):
    shown = Signal()  # first time the window is on screen (start-up benchmark)

    def __init__(self, app: AppContext, *, services: bool = True, warm_up: bool = True,
                 training_factory=None) -> None:
        super().__init__()
        self.app = app
        self.paths = app.paths
        self.prefs = Preferences(open_qsettings(app.paths))
        legacy = self.prefs.legacy_settings()
        if legacy:  # choices an older version kept in QSettings move into settings.json once
            app.store.adopt(legacy)
            self.prefs.forget_legacy()
        self.settings = app.settings
        self.controller = EditorController(app, self)
        self.training = TrainingAdapter(app.paths, self.settings, factory=training_factory, parent=self)
        self.metrics = MetricsService(self.settings.metrics_port)
        self._services = services
        self._quitting = False
        self._shut_down = False
        self._first_show_at: float | None = None
        self._gallery_dirty = True
        self._last_deleted = None
        self.setWindowTitle("Sticker Studio")
        self.setWindowIcon(app_icon())
        self.setAccessibleName("Sticker Studio")
        self.setMinimumSize(900, 620)

        self._build_actions()
        self.tray = TrayController(self.training, lambda: self.metrics.url, self)
        self._build_menus()
        self._build_toolbar()
        self._build_central()
        self._build_status()
        self._connect()
        self._update_actions()
        if services:
            QTimer.singleShot(0, self.start_services)
        if warm_up:
            QTimer.singleShot(50, self.controller.warm_up)

    # -- construction ----------------------------------------------------------------------
    def _action(self, text: str, icon_name: str | None, tip: str, slot, shortcut=None) -> QAction:
        a = QAction(icon(icon_name) if icon_name else app_icon(), text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            keys = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{tip} ({keys})" if keys else tip
        a.setToolTip(tip)
        a.setStatusTip(tip)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        S = QKeySequence.StandardKey
        self.open_action = self._action("&Open…", "open", "Open one or more photos", self.open_files, S.Open)
        self.paste_action = self._action("&Paste", "paste", "Make a sticker from the image on the clipboard",
                                         self.paste, S.Paste)
        self.save_action = self._action("&Save", "save", "Save the sticker into the library", self.save, S.Save)
        self.export_action = self._action("&Export…", "export", "Save the sticker into the library and to a "
                                          "file you choose", self.export, S.SaveAs)
        self.copy_action = self._action("&Copy", "copy", "Copy the sticker with transparency", self.copy, S.Copy)
        self.undo_action = self._action("&Undo delete", "undo", "Bring back the sticker you just deleted",
                                        self.undo_delete, S.Undo)
        self.settings_action = self._action("Se&ttings…", "settings", "Keys, defaults, metrics and training",
                                            self.open_settings, S.Preferences)
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.generate_action = self._action("&Generate", "generate", "Make an image from the text with your "
                                            "text-to-image provider", self.generate, "Ctrl+G")
        self.cancel_action = self._action("Cancel", "stop", "Stop the running job", self.controller.cancel,
                                          "Esc")
        self.create_view = self._action("&Create", "create", "The editor", lambda: self.tabs.setCurrentIndex(0),
                                        "Ctrl+1")
        self.gallery_view = self._action("&Gallery", "gallery", "Saved stickers", self.show_gallery, "Ctrl+2")
        self.about_action = self._action("&About Sticker Studio", None, "Version and licences", self.about)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.open_action, self.paste_action, None, self.save_action, self.export_action, None,
                  self.settings_action, None, self.tray.quit):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("&Edit")
        for a in (self.copy_action, self.paste_action, None, self.undo_action, None, self.generate_action,
                  self.cancel_action):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("&View")
        m.addAction(self.create_view)
        m.addAction(self.gallery_view)
        m = mb.addMenu("&Training")
        for a in (self.tray.retrain, self.tray.pause, self.tray.last):
            m.addAction(a)
        m = mb.addMenu("&Help")
        m.addAction(self.tray.open_metrics)
        m.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Main")
        tb.setObjectName("MainToolbar")
        tb.setMovable(False)
        tb.setIconSize(QSize(20, 20))
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.open_action, self.paste_action, None, self.save_action, self.export_action,
                  self.copy_action):
            tb.addSeparator() if a is None else tb.addAction(a)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(spacer)
        tb.addAction(self.settings_action)

    def _build_central(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(16, 4, 16, 8)
        outer.setSpacing(8)
        self.message_bar = MessageBar()
        outer.addWidget(self.message_bar)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Views")
        outer.addWidget(self.tabs, 1)

        # Create tab
        create = QWidget()
        row = QHBoxLayout(create)
        row.setContentsMargins(0, 10, 0, 0)
        row.setSpacing(14)
        left = QVBoxLayout()
        left.setSpacing(10)
        self.drop_zone = DropZone(self.open_action, self.paste_action)
        self.drop_zone.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.preview = self.drop_zone.preview
        left.addWidget(self.drop_zone, 1)
        prompt_card = QFrame()
        prompt_card.setObjectName("Card")
        pl = QHBoxLayout(prompt_card)
        pl.setContentsMargins(12, 10, 12, 10)
        pl.setSpacing(8)
        self._prompt_icon = QLabel()
        pl.addWidget(self._prompt_icon)
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("Or describe a sticker to generate, e.g. “a corgi astronaut waving”")
        self.prompt.setAccessibleName("Text-to-image prompt")
        self.prompt.setToolTip("Describe an image; Generate asks your text-to-image provider for it")
        self.prompt.returnPressed.connect(self.generate)
        pl.addWidget(self.prompt, 1)
        self.generate_button = QPushButton(icon("generate"), "Generate")
        self.generate_button.setToolTip(self.generate_action.toolTip())
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.clicked.connect(self.generate)
        pl.addWidget(self.generate_button)
        left.addWidget(prompt_card)
        row.addLayout(left, 1)

        self.controls = StickerControls(self.controller.style, self.controller.engine, self.controller.preset,
                                        self.prefs)
        self.save_button = QPushButton(icon("save", "#FFFFFF"), "Save to library")
        self.save_button.setObjectName("Primary")
        self.save_button.setToolTip(self.save_action.toolTip())
        self.save_button.setAccessibleName("Save to library")
        self.save_button.clicked.connect(self.save)
        self.export_button = QPushButton(icon("export"), "Export…")
        self.export_button.setToolTip(self.export_action.toolTip())
        self.export_button.clicked.connect(self.export)
        self.copy_button = QPushButton(icon("copy"), "Copy")
        self.copy_button.setToolTip(self.copy_action.toolTip())
        self.copy_button.clicked.connect(self.copy)
        self.controls.add_button(self.save_button)
        pair = QHBoxLayout()
        pair.setSpacing(8)
        pair.addWidget(self.export_button)
        pair.addWidget(self.copy_button)
        self.controls.buttons.addLayout(pair)
        self.info = QLabel()
        self.info.setObjectName("Muted")
        self.info.setWordWrap(True)
        self.info.setAccessibleName("About this sticker")
        self.controls.buttons.addSpacing(6)
        self.controls.buttons.addWidget(self.info)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setFixedWidth(360)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row.addWidget(scroll)
        self.tabs.addTab(create, icon("create"), "Create")

        self.gallery = GalleryView(self.controller)
        self.tabs.addTab(self.gallery, icon("gallery"), "Gallery")

        # footer: steps, progress, cancel
        footer = QFrame()
        footer.setObjectName("Card")
        fl = QHBoxLayout(footer)
        fl.setContentsMargins(14, 8, 10, 8)
        fl.setSpacing(12)
        self.steps = StepIndicator()
        fl.addWidget(self.steps, 1)
        prog = QVBoxLayout()
        prog.setSpacing(4)
        self.progress_label = QLabel("Ready")
        self.progress_label.setObjectName("Muted")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Progress")
        self.progress.setFixedWidth(220)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        prog.addWidget(self.progress_label)
        prog.addWidget(self.progress)
        fl.addLayout(prog)
        self.cancel_button = QPushButton(icon("stop"), "Cancel")
        self.cancel_button.setToolTip(self.cancel_action.toolTip())
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.clicked.connect(self.controller.cancel)
        fl.addWidget(self.cancel_button)
        outer.addWidget(footer)
        self.setCentralWidget(central)
        self.drop_zone.setFocus()
        self.refresh_theme()

    def refresh_theme(self) -> None:
        """Re-colour what was painted with theme colours (the system switched light/dark)."""
        self._prompt_icon.setPixmap(icon("generate", theme.current().accent)
                                    .pixmap(QSize(20, 20), self.devicePixelRatioF()))
        self.drop_zone.empty.refresh_art()
        self.update()

    def _build_status(self) -> None:
        sb = self.statusBar()
        sb.setSizeGripEnabled(False)
        self.style_label = QLabel("Style: –")
        self.style_label.setToolTip("What the style classifier thinks the image is (photo or drawing)")
        self.engine_label = QLabel("")
        self.models_label = QLabel("Models: loading on first use")
        self.models_label.setToolTip("Model versions in use; a newly trained model is picked up automatically")
        self.metrics_label = QLabel("")
        for w in (self.style_label, self.engine_label, self.models_label, self.metrics_label):
            sb.addPermanentWidget(w)

    def _connect(self) -> None:
        c = self.controller
        c.busyChanged.connect(self._on_busy)
        c.stepChanged.connect(self.steps.set_running)
        c.photoChanged.connect(self._on_photo)
        c.stickerChanged.connect(self._on_sticker)
        c.timingsChanged.connect(self.steps.set_timings)
        c.message.connect(self.show_message)
        c.progressChanged.connect(self._on_progress)
        c.modelsChanged.connect(self._on_models)
        c.libraryChanged.connect(self._on_library_changed)
        c.styleRestored.connect(self._on_style_restored)
        c.selectionChanged.connect(lambda sel: self.controls.set_all_subjects(sel == "all"))
        self.controls.styleChanged.connect(self._on_style_changed)
        self.controls.engineChanged.connect(self._on_engine_changed)
        self.controls.presetChanged.connect(self._on_preset_changed)
        self.controls.allSubjectsChanged.connect(c.set_all_subjects)
        self.drop_zone.payloadDropped.connect(self.handle_payload)
        self.drop_zone.modeChanged.connect(lambda _: self._update_hint())
        self.preview.subjectClicked.connect(c.toggle_subject)
        self.preview.dragRequested.connect(self.drag_out)
        self.gallery.reopenRequested.connect(self.reopen)
        self.gallery.exportRequested.connect(self.export_entry)
        self.gallery.copyRequested.connect(c.copy_entry)
        self.gallery.deleteRequested.connect(self.delete_entry)
        self.tabs.currentChanged.connect(self._on_tab)
        self.tray.showHideRequested.connect(self.toggle_visible)
        self.tray.quitRequested.connect(self.quit_app)
        self.tray.notified.connect(lambda title, text: self.statusBar().showMessage(
            f"{title}. {text}".strip(), 8000))
        self.training.event.connect(self._on_training_event)

    # -- services ------------------------------------------------------------------------------
    def start_services(self) -> None:
        """Metrics server and nightly scheduler, after the window is up."""
        self.metrics_label.setText(f"Metrics: starting on :{self.metrics.port}")
        self.controller.runner.submit(lambda task: self.metrics.start(), kind="metrics",
                                      on_done=self._on_metrics_started)
        self.training.start_in_background(self.controller.runner)

    def _on_metrics_started(self, error: str | None) -> None:
        if error:
            self.metrics_label.setText("Metrics: off")
            self.metrics_label.setToolTip(error)
            self.statusBar().showMessage(error, 15000)
        else:
            self.metrics_label.setText(f"Metrics: 127.0.0.1:{self.metrics.port}")
            self.metrics_label.setToolTip(f"Prometheus metrics at {self.metrics.url}")

    def _on_training_event(self, event: dict) -> None:
        if event.get("kind") == "promoted":
            self.controller.refresh_models()
        if event.get("kind") == "progress" and isinstance(event.get("progress"), (int, float)) \
                and not self.controller.busy:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * float(event["progress"])))
            self.progress_label.setText(f"Training: {event.get('message', '')}"[:60])

    # -- inputs -----------------------------------------------------------------------------------
    def open_files(self) -> None:
        start = self.prefs.text("last_dir", str(Path.home()))
        files, _ = QFileDialog.getOpenFileNames(self, "Open photos", start, IMAGE_FILTER)
        if files:
            self.prefs.set_text("last_dir", str(Path(files[0]).parent))
            self.open_paths([Path(f) for f in files])

    def open_paths(self, paths: list[Path]) -> None:
        self.tabs.setCurrentIndex(0)
        self.controller.open_paths(paths)

    def paste(self) -> None:
        payload = payload_from_mime(QGuiApplication.clipboard().mimeData())
        if payload is None:
            self.show_message("info", "The clipboard holds no image, image file or image link to paste.")
            return
        self.handle_payload(payload)

    def handle_payload(self, payload) -> None:
        self.tabs.setCurrentIndex(0)
        if payload.files:
            self.controller.open_paths(payload.files)
        elif payload.data:
            self.controller.open_bytes(payload.data, payload.name)
        elif payload.url:
            self.controller.open_url(payload.url)

    def generate(self) -> None:
        text = self.prompt.text().strip()
        if not text:
            self.prompt.setFocus()
            self.show_message("info", "Type what the sticker should show in the prompt box, then press Generate.")
            return
        self.controller.generate(text)

    # -- outputs ---------------------------------------------------------------------------------
    def save(self) -> None:
        self.controller.save()

    def export(self) -> None:
        if self.controller.sticker is None:
            self.show_message("info", "There is no sticker to export yet; drop a photo first.")
            return
        from ..library import slugify

        preset = get_preset(self.controller.preset)
        start = Path(self.prefs.text("export_dir", str(Path.home())))
        name = slugify(self.controller.style.caption or Path(self.controller.source_label or "sticker").stem)
        target, _ = QFileDialog.getSaveFileName(self, "Export sticker", str(start / f"{name}{preset.extension}"),
                                                f"Sticker (*{preset.extension});;All files (*)")
        if target:
            self.prefs.set_text("export_dir", str(Path(target).parent))
            self.controller.save(Path(target))

    def copy(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit) and focus.hasSelectedText():
            focus.copy()  # Ctrl+C in a text field copies its text
            return
        self.controller.copy()

    def drag_out(self) -> None:
        """Drag the finished sticker out of the preview as a file."""
        try:
            path = self.controller.drag_file()
        except StickerStudioError as exc:
            self.show_message("error", str(exc))
            return
        mime = mime_for_file(path)
        sticker = self.controller.sticker
        if sticker is not None:
            mime.setImageData(sticker.image)
        drag = QDrag(self.preview)
        drag.setMimeData(mime)
        if sticker is not None:
            drag.setPixmap(self.preview.scaled_pixmap("drag", sticker.image, QRectF(0, 0, 96, 96)))
        drag.exec(Qt.DropAction.CopyAction)

    # -- gallery -------------------------------------------------------------------------------------
    def show_gallery(self) -> None:
        self.tabs.setCurrentIndex(1)

    def _on_tab(self, index: int) -> None:
        if index == 1 and self._gallery_dirty:
            self._gallery_dirty = False
            self.gallery.refresh()

    def _on_library_changed(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.gallery.refresh()
        else:
            self._gallery_dirty = True

    def reopen(self, entry) -> None:
        self.tabs.setCurrentIndex(0)
        self.controller.reopen(entry)

    def export_entry(self, entry, preset_name: str) -> None:
        from ..library import slugify

        preset = get_preset(preset_name)
        start = Path(self.prefs.text("export_dir", str(Path.home())))
        name = f"{slugify(entry.title or entry.path.stem)}-{preset.name}{preset.extension}"
        target, _ = QFileDialog.getSaveFileName(self, f"Export for {preset.name}", str(start / name),
                                                f"Sticker (*{preset.extension});;All files (*)")
        if target:
            self.prefs.set_text("export_dir", str(Path(target).parent))
            self.controller.export_entry(entry, preset.name, Path(target))

    def delete_entry(self, entry) -> None:
        try:
            self.controller.delete_entry(entry)
        except StickerStudioError as exc:
            self.show_message("error", str(exc))
            return
        self._last_deleted = entry
        self._update_actions()
        title = entry.title or entry.path.stem
        self.show_message("info", f"Moved “{title}” to the library's trash.", action="Undo",
                          callback=self.undo_delete)

    def undo_delete(self) -> None:
        entry, self._last_deleted = self._last_deleted, None
        self._update_actions()
        if entry is None:
            return
        try:
            self.controller.undelete_entry(entry.id)
        except StickerStudioError as exc:
            self.show_message("error", str(exc))
            return
        self.show_message("success", f"Restored “{entry.title or entry.path.stem}”.")

    # -- settings -------------------------------------------------------------------------------------
    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.settings, self.paths, self)
        if dlg.exec() and dlg.result_settings is not None:
            self.apply_settings(dlg.result_settings)

    def apply_settings(self, new) -> None:
        old = self.settings
        changed = [n for n in DIALOG_FIELDS if getattr(old, n) != getattr(new, n)]
        if not self._remember({n: getattr(new, n) for n in changed}):
            return
        if "metrics_port" in changed and self._services:
            self.start_services_metrics_only()
        if "nightly_time" in changed or "nightly_enabled" in changed:
            self.training.changed.emit()  # the scheduler follows the settings itself; the tray redraws
        notes = []
        if "cpu_threads" in changed:
            notes.append("the CPU thread count applies after a restart")
        self.show_message("success", "Settings saved" + (f"; {', '.join(notes)}." if notes else "."))

    def start_services_metrics_only(self) -> None:
        self.controller.runner.submit(lambda task: self.metrics.start(self.settings.metrics_port),
                                      kind="metrics", on_done=self._on_metrics_started)

    def about(self) -> None:
        QMessageBox.about(self, "About Sticker Studio",
                          f"<b>Sticker Studio {__version__}</b><p>Turn a photo or a prompt into a chat-ready "
                          "sticker, offline.</p><p>Licensed AGPL-3.0-or-later. Fonts and models keep their own "
                          "licences (see fonts/LICENSES.md and `stickerstudio models`).</p>")

    # -- controller → widgets ------------------------------------------------------------------------
    def show_message(self, level: str, text: str, action: str | None = None, callback=None) -> None:
        self.message_bar.show_message(level, text, action, callback)

    def _on_busy(self, busy: bool, text: str) -> None:
        self.preview.set_busy(text if busy else "")
        if busy:
            self.drop_zone.show_content(True)
            self.progress_label.setText(text[:60])
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(1000 if self.controller.sticker is not None else 0)
            self.progress_label.setText("Ready")
            if self.controller.sticker is None and self.controller.photo is None:
                self.drop_zone.show_content(False)
        self._update_actions()

    def _on_progress(self, fraction: float, text: str) -> None:
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(1.0, fraction)))
        if text:
            self.progress_label.setText(text[:60])

    def _on_photo(self, photo) -> None:
        if photo is None:
            self.preview.set_photo(None, [], [])
            self.drop_zone.set_subject_count(0)
            self.controls.set_subject_count(0)
            self.drop_zone.set_mode("sticker")
            self.style_label.setText("Style: –")
            self.engine_label.setText("")
            return
        a = photo.analysis
        n = len(a.instances)
        selected = self.controller.sticker.indices if self.controller.sticker else []
        self.preview.set_photo(photo.image, photo.outlines, selected)
        self.drop_zone.set_subject_count(n)
        self.controls.set_subject_count(n)
        if a.style is not None:
            self.style_label.setText(f"Style: {_style_word(a.style)} ({a.style.score * 100:.0f}%)")
            self.style_label.setToolTip(f"Style classifier {a.style.model}: {a.style.style}")
        else:
            self.style_label.setText("Style: not classified")
            self.style_label.setToolTip("No style classifier is installed; the default engine was used.")
        self.engine_label.setText(f"Cut out by {a.engine}")
        self.engine_label.setToolTip(a.note or f"The subject was found by the {a.engine} model.")
        self.setWindowTitle(f"{self.controller.source_label} — Sticker Studio")
        self._update_hint()

    def _on_sticker(self, sticker) -> None:
        self.preview.set_sticker(sticker.image if sticker is not None else None)
        self.preview.set_selected(sticker.indices if sticker is not None else [])
        if sticker is not None or self.controller.photo is not None:
            self.drop_zone.show_content(True)
        if sticker is not None and sticker.made is None:
            self.drop_zone.set_mode("sticker")
            self.setWindowTitle(f"{sticker.entry.title or 'Saved sticker'} — Sticker Studio")
        self._update_info()
        self._update_hint()
        self._update_actions()

    def _update_hint(self) -> None:
        if self.preview.mode == "subjects":
            n = len(self.controller.photo.analysis.instances) if self.controller.photo else 0
            text = "Click a subject to include or exclude it." if n > 1 else \
                ("One subject found." if n == 1 else "No subject found.")
        elif self.controller.sticker is not None:
            text = "Drag the sticker into a chat or folder, or press Ctrl+C."
        else:
            text = ""
        self.drop_zone.hint.setText(text)

    def _update_info(self) -> None:
        s = self.controller.sticker
        if s is None:
            self.info.setText("")
            return
        if s.made is None:
            self.info.setText(f"Saved sticker, {s.pil.width}×{s.pil.height}. Export or copy it; open its "
                              "photo again to change it.")
            return
        a = s.made.analysis
        subj = f"{len(s.indices)} of {len(a.instances)} subject{'s' if len(a.instances) != 1 else ''}"
        w, h = a.source_size
        self.info.setText(f"{self.controller.source_label}: {w}×{h} {_style_word(a.style)} · {subj} · "
                          f"{s.pil.width}×{s.pil.height} sticker" + (f"\n{a.note}" if a.note else ""))

    def _on_models(self, versions: dict) -> None:
        if versions:
            self.models_label.setText("Models: " + ", ".join(sorted(versions.values())))
            self.models_label.setToolTip("\n".join(f"{k}: {v}" for k, v in sorted(versions.items())))

    def _remember(self, changes: dict) -> bool:
        """Write changed settings to settings.json (shared with the CLI and the scheduler)."""
        if not changes:
            return True
        try:
            self.app.store.update(changes)
        except (ConfigError, OSError) as exc:
            self.show_message("error", f"The settings could not be saved: {exc}")
            return False
        return True

    def _on_style_changed(self, style) -> None:
        self.controller.set_style(style)
        self._remember({n: getattr(style, n) for n in STYLE_DEFAULT_FIELDS
                        if getattr(self.settings, n) != getattr(style, n)})

    def _on_engine_changed(self, choice: str) -> None:
        self._remember({"engine": engine_setting(choice)})
        self.controller.set_engine(choice)

    def _on_preset_changed(self, name: str) -> None:
        self._remember({"preset": name})
        self.controller.set_preset(name)

    def _on_style_restored(self, style) -> None:
        self.controls.set_style(style)
        self.controls.set_preset(self.controller.preset)

    def _update_actions(self) -> None:
        has = self.controller.sticker is not None
        editable = has and self.controller.sticker.made is not None
        for a in (self.export_action, self.copy_action):
            a.setEnabled(has)
        self.save_action.setEnabled(editable)
        self.save_button.setEnabled(editable)
        self.export_button.setEnabled(has)
        self.copy_button.setEnabled(has)
        can_cancel = self.controller.can_cancel
        self.cancel_action.setEnabled(can_cancel)
        self.cancel_button.setEnabled(can_cancel)
        self.undo_action.setEnabled(self._last_deleted is not None)

    # -- window lifetime -------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._first_show_at is None:
            self._first_show_at = time.perf_counter()
            QTimer.singleShot(0, self.shown.emit)

    def toggle_visible(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            self.showNormal()
            self.raise_()
            self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.tray.available and not self._quitting:
            event.ignore()
            self.hide()
            if not self.prefs.flag("tray_notice_shown"):
                self.prefs.set_flag("tray_notice_shown", True)
                self.tray.notify("Sticker Studio is still running",
                                 "It stays in the tray so nightly training can run. Quit from the tray menu.")
            return
        self.shutdown()
        event.accept()

    def quit_app(self) -> None:
        self._quitting = True
        self.shutdown()
        self.close()
        QApplication.quit()

    def shutdown(self) -> None:
        """Stop workers, scheduler and metrics; remember the window geometry. Idempotent."""
        if self._shut_down:
            return
        self._shut_down = True
        try:
            self.prefs.set_geometry(self.saveGeometry())
        except Exception:  # noqa: BLE001
            log.debug("could not save the window geometry", exc_info=True)
        self.training.stop()
        self.metrics.stop()
        self.controller.shutdown()
        self.tray.hide()

    def restore_geometry(self) -> None:
        geo = self.prefs.geometry()
        if geo is None or not self.restoreGeometry(geo):
            self.resize(1240, 800)


def _style_word(style) -> str:
    """What the user calls the picture: the classifier's "animated" is a drawing; unclassified is a photo."""
    return "drawing" if style is not None and style.style == "animated" else "photo"
