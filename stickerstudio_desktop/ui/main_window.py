"""The main window: wires the drop zone, preview, controls, gallery and tray to the controller.

No image work happens here; every button calls the controller (which runs
models on worker threads) and every result comes back as a signal.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QMessageBox,
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
from .controller import EditorController
from .controls import PRESET_LABELS, StickerControls
from .drop_zone import DropZone, payload_from_mime
from .edit_view import EditView
from .gallery import GalleryView
from .icons import app_icon, icon
from .menus import build_menus, build_toolbar, make_action
from .message_bar import MessageBar
from .metrics_service import MetricsService
from .panels import EditorSide, JobFooter, PromptBar, StatusLabels, ask_export_path
from .qt_settings import Preferences, open_qsettings
from .training import TrainingAdapter
from .trash import TrashWithUndo
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
        self.trash = TrashWithUndo(self.controller, self.show_message, self)
        self.training = TrainingAdapter(app.paths, self.settings, factory=training_factory, parent=self)
        self.metrics = MetricsService(self.settings.metrics_port)
        self._services = services
        self._quitting = False
        self._shut_down = False
        self._first_show_at: float | None = None
        self._gallery_dirty = True
        self.setWindowTitle("Sticker Studio")
        self.setWindowIcon(app_icon())
        self.setAccessibleName("Sticker Studio")
        self.setMinimumSize(900, 620)

        self._build_actions()
        self.tray = TrayController(self.training, lambda: self.metrics.url, self)
        build_menus(self)
        build_toolbar(self)
        self._build_central()
        self._build_status()
        self._connect()
        self._update_actions()
        if app.store.problem:  # the settings file was set aside: say so once, in the window
            self.show_message("error", app.store.problem)
        if services:
            QTimer.singleShot(0, self.start_services)
        if warm_up:
            QTimer.singleShot(50, self.controller.warm_up)

    # -- construction ----------------------------------------------------------------------
    def _build_actions(self) -> None:
        S, act = QKeySequence.StandardKey, lambda *a: make_action(self, *a)
        self.open_action = act("&Open…", "open", "Open one or more photos", self.open_files, S.Open)
        self.paste_action = act("&Paste", "paste", "Make a sticker from the image on the clipboard", self.paste,
                                S.Paste)
        self.save_action = act("&Save", "save", "Save the sticker into the library", self.save, S.Save)
        self.export_action = act("&Export…", "export", "Save the sticker into the library and to a file you choose",
                                 self.export, S.SaveAs)
        self.copy_action = act("&Copy", "copy", "Copy the sticker with transparency", self.copy, S.Copy)
        self.undo_action = act("&Undo", "undo", "Undo the last edit, or bring back the sticker you just deleted",
                               self.undo, S.Undo)
        self.redo_action = act("&Redo", "refresh", "Redo the edit you undid", self.controller.redo_edit,
                               "Ctrl+Shift+Z")
        self.settings_action = act("Se&ttings…", "settings", "Keys, defaults, metrics and training",
                                   self.open_settings, S.Preferences)
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.generate_action = act("&Generate", "generate", "Make an image from the text with your "
                                   "text-to-image provider", self.generate, "Ctrl+G")
        self.cancel_action = act("Cancel", "stop", "Stop the running job", self.controller.cancel, "Esc")
        self.create_view = act("&Create", "create", "The editor", lambda: self.tabs.setCurrentIndex(0), "Ctrl+1")
        self.gallery_view = act("&Gallery", "gallery", "Saved stickers", self.show_gallery, "Ctrl+2")
        self.about_action = act("&About Sticker Studio", None, "Version and licences", self.about)

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
        self.edit_view = EditView(self.controller)
        self.drop_zone.add_edit_view(self.edit_view)
        left.addWidget(self.drop_zone, 1)
        self.prompt_bar = PromptBar(self.generate_action)
        self.prompt_bar.generateRequested.connect(self.generate)
        self.prompt, self.generate_button = self.prompt_bar.prompt, self.prompt_bar.generate_button
        left.addWidget(self.prompt_bar)
        row.addLayout(left, 1)

        self.controls = StickerControls(self.controller.style, self.controller.engine, self.controller.preset,
                                        self.prefs)
        self.side = EditorSide(self.controls, self.save_action, self.export_action, self.copy_action)
        self.save_button, self.export_button = self.side.save_button, self.side.export_button
        self.copy_button, self.info = self.side.copy_button, self.side.info
        row.addWidget(self.side)
        self.tabs.addTab(create, icon("create"), "Create")

        self.gallery = GalleryView(self.controller)
        self.tabs.addTab(self.gallery, icon("gallery"), "Gallery")

        self.footer = JobFooter(self.cancel_action)
        self.steps, self.progress = self.footer.steps, self.footer.progress
        self.progress_label = self.footer.progress_label
        self.cancel_button = self.footer.cancel_button
        outer.addWidget(self.footer)
        self.setCentralWidget(central)
        self.drop_zone.setFocus()
        self.refresh_theme()

    def refresh_theme(self) -> None:
        """Re-colour what was painted with theme colours (the system switched light/dark)."""
        self.prompt_bar.refresh_theme(self.devicePixelRatioF())
        self.drop_zone.empty.refresh_art()
        self.update()

    def _build_status(self) -> None:
        self.status = StatusLabels(self.statusBar())
        st = self.status
        self.style_label, self.engine_label, self.models_label = st.style_label, st.engine_label, st.models_label
        self.metrics_label = st.metrics_label

    def _connect(self) -> None:
        c = self.controller
        c.busyChanged.connect(self._on_busy)
        c.stepChanged.connect(self.steps.set_running)
        c.photoChanged.connect(self._on_photo)
        c.stickerChanged.connect(self._on_sticker)
        c.timingsChanged.connect(self.steps.set_timings)
        c.message.connect(self.show_message)
        c.progressChanged.connect(self.footer.show_progress)
        c.modelsChanged.connect(self.status.show_models)
        c.libraryChanged.connect(self._on_library_changed)
        c.styleRestored.connect(self._on_style_restored)
        c.selectionChanged.connect(lambda sel: self.controls.set_all_subjects(sel == "all"))
        c.editsChanged.connect(lambda _: self._update_actions())
        c.clipOpened.connect(self._on_clip)
        self.drop_zone.clip_panel.makeRequested.connect(c.make_clip)
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
        self.gallery.packExportRequested.connect(self.export_pack)
        self.trash.changed.connect(self._update_actions)
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
        self.status.show_metrics(error, self.metrics.port, self.metrics.url)
        if error:
            self.statusBar().showMessage(error, 15000)

    def _on_training_event(self, event: dict) -> None:
        if event.get("kind") == "promoted":
            self.controller.refresh_models()
        if event.get("kind") == "progress" and isinstance(event.get("progress"), (int, float)) \
                and not self.controller.busy:
            self.footer.show_progress(float(event["progress"]), f"Training: {event.get('message', '')}")

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

        name = slugify(self.controller.style.caption or Path(self.controller.source_label or "sticker").stem)
        target = ask_export_path(self, self.prefs, "Export sticker", name, get_preset(self.controller.preset).extension)
        if target:
            self.controller.save(target)

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
        sticker = self.controller.sticker
        self.drop_zone.drag_out(path, sticker.image if sticker is not None else None)

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
        target = ask_export_path(self, self.prefs, f"Export for {preset.name}",
                                 f"{slugify(entry.title or entry.path.stem)}-{preset.name}", preset.extension)
        if target:
            self.controller.export_entry(entry, preset.name, target)

    def export_pack(self, name: str):
        """The export dialog for a pack (non-modal; it writes on the task runner)."""
        from .pack_export_dialog import PackExportDialog

        dlg = PackExportDialog(self.controller, name, Path(self.prefs.text("export_dir", str(Path.home()))), self)
        dlg.exported.connect(lambda result: self.prefs.set_text("export_dir", str(result.path.parent)))
        dlg.open()
        self.pack_dialog = dlg
        return dlg

    def delete_entry(self, entry) -> None:
        self.trash.delete(entry)

    def undo_delete(self) -> None:
        self.trash.undo()

    def undo(self) -> None:
        """Ctrl+Z: the last edit of the sticker being made; in the gallery (or with no edit), the delete."""
        if self.tabs.currentIndex() == 0 and self.controller.history.can_undo:
            self.controller.undo_edit()
        else:
            self.undo_delete()

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
            self.footer.show_ready(self.controller.sticker is not None)
            if self.controller.sticker is None and self.controller.photo is None \
                    and self.controller.clip_path is None:
                self.drop_zone.show_content(False)
        self._update_actions()

    def _clip_limit(self) -> tuple[float | None, str]:
        """The chosen preset's longest animated sticker in seconds, and the app's name for the message."""
        preset = get_preset(self.controller.preset)
        label = PRESET_LABELS.get(preset.name, preset.name)
        if preset.animated is None:
            return None, label
        return preset.animated.limits.max_duration_ms / 1000, label

    def _on_clip(self, view) -> None:
        self.drop_zone.show_clip(view, *self._clip_limit())
        self.setWindowTitle(f"{view.name} — Sticker Studio")

    def _on_photo(self, photo) -> None:
        if photo is None:
            self.preview.set_photo(None, [], [])
            self.drop_zone.set_subject_count(0)
            self.controls.set_subject_count(0)
            self.drop_zone.set_mode("sticker")
            self.status.show_analysis(None)
            return
        a = photo.analysis
        n = len(a.instances)
        selected = self.controller.sticker.indices if self.controller.sticker else []
        self.preview.set_photo(photo.image, photo.outlines, selected)
        self.drop_zone.set_subject_count(n)
        self.controls.set_subject_count(n)
        self.status.show_analysis(a)
        self.setWindowTitle(f"{self.controller.source_label} — Sticker Studio")
        self._update_hint()

    def _on_sticker(self, sticker) -> None:
        self.preview.set_sticker(sticker.image if sticker is not None else None)
        self.preview.set_selected(sticker.indices if sticker is not None else [])
        if sticker is not None or self.controller.photo is not None:
            self.drop_zone.show_content(True)
        # A sticker re-opened without its photo has nothing to edit.
        self.drop_zone.edit_button.setEnabled(sticker is None or sticker.made is not None)
        if sticker is not None and sticker.made is None:
            self.drop_zone.set_mode("sticker")
            self.setWindowTitle(f"{sticker.entry.title or 'Saved sticker'} — Sticker Studio")
        self.side.show_sticker(sticker, self.controller.source_label)
        self._update_hint()
        self._update_actions()

    def _update_hint(self) -> None:
        photo = self.controller.photo
        self.drop_zone.show_hint(len(photo.analysis.instances) if photo else 0, self.controller.sticker is not None)

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
        self.drop_zone.clip_panel.set_limit(*self._clip_limit())

    def _on_style_restored(self, style) -> None:
        self.controls.set_style(style)
        self.controls.set_preset(self.controller.preset)

    def _update_actions(self) -> None:
        has = self.controller.sticker is not None
        editable = has and self.controller.sticker.made is not None
        for a in (self.export_action, self.copy_action):
            a.setEnabled(has)
        self.save_action.setEnabled(editable)
        self.side.enable(has, editable)
        can_cancel = self.controller.can_cancel
        self.cancel_action.setEnabled(can_cancel)
        self.cancel_button.setEnabled(can_cancel)
        self.drop_zone.clip_panel.make_button.setEnabled(not self.controller.busy)
        self.undo_action.setEnabled(self.trash.can_undo or self.controller.history.can_undo)
        self.redo_action.setEnabled(self.controller.history.can_redo)

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
