"""The tray icon and the training / metrics actions it shares with the menu bar.

The actions exist even where there is no system tray (offscreen, some Linux
desktops), so the window's Training menu still works and tests can trigger
them; only the icon and its notifications need a tray.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from .icons import app_icon, icon
from .training import TrainingAdapter

MAX_MENU_TEXT = 70


class TrayController(QObject):
    showHideRequested = Signal()
    quitRequested = Signal()
    notified = Signal(str, str)  # title, text (also shown in the status bar)

    def __init__(self, training: TrainingAdapter, metrics_url, parent=None) -> None:
        super().__init__(parent)
        self.training = training
        self.metrics_url = metrics_url  # callable → "http://127.0.0.1:PORT/metrics"
        self.show_hide = QAction(icon("window"), "Show / Hide window", self)
        self.show_hide.setToolTip("Show the Sticker Studio window, or hide it to the tray")
        self.show_hide.triggered.connect(self.showHideRequested)
        self.retrain = QAction(icon("refresh"), "Retrain now", self)
        self.retrain.triggered.connect(self.retrain_now)
        self.pause = QAction(icon("pause"), "Pause nightly training", self)
        self.pause.triggered.connect(self.toggle_pause)
        self.last = QAction("Training unavailable", self)
        self.last.setEnabled(False)
        self.open_metrics = QAction(icon("chart"), "Open metrics page", self)
        self.open_metrics.setToolTip("Open the Prometheus metrics this app serves on 127.0.0.1")
        self.open_metrics.triggered.connect(self.show_metrics)
        self.quit = QAction(icon("quit"), "Quit Sticker Studio", self)
        self.quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit.setToolTip("Quit (the nightly training stops too)")
        self.quit.triggered.connect(self.quitRequested)
        self.menu = QMenu()
        self.menu.setAccessibleName("Tray menu")
        for a in (self.show_hide, None, self.retrain, self.pause, self.last, None, self.open_metrics, None,
                  self.quit):
            self.menu.addSeparator() if a is None else self.menu.addAction(a)
        self.icon: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(app_icon(), self)
            self.icon.setToolTip("Sticker Studio")
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.icon.show()
        training.changed.connect(self.refresh)
        training.event.connect(self._on_event)
        self.refresh()

    @property
    def available(self) -> bool:
        return self.icon is not None

    def refresh(self) -> None:
        t = self.training
        on = t.available
        for a in (self.retrain, self.pause):
            a.setEnabled(on)
            a.setToolTip("" if on else (t.unavailable_reason or "Training is unavailable."))
        self.retrain.setToolTip(self.retrain.toolTip() or "Train and evaluate a new cut-out model now")
        if t.paused:
            self.pause.setText("Resume nightly training")
            self.pause.setIcon(icon("play"))
        else:
            self.pause.setText("Pause nightly training")
            self.pause.setIcon(icon("pause"))
        if on and not t.nightly_enabled:
            self.pause.setEnabled(False)
            self.pause.setToolTip("Nightly training is switched off in Settings.")
        elif on:
            self.pause.setToolTip("Stop or restart the nightly training run")
        text = t.describe_last() if on else (t.unavailable_reason or "Training unavailable")
        self.last.setText(text if len(text) <= MAX_MENU_TEXT else text[:MAX_MENU_TEXT - 1] + "…")
        self.last.setToolTip(text)

    def retrain_now(self) -> None:
        if not self.training.available:
            self.notify("Training unavailable", self.training.unavailable_reason or "")
        elif self.training.run_now():
            self.notify("Training started", "A new model is being trained in the background.")
        else:
            self.notify("Training already running", "Wait for the current run to finish.")

    def toggle_pause(self) -> None:
        self.training.toggle_pause()
        self.notify("Nightly training " + ("paused" if self.training.paused else "resumed"),
                    "" if self.training.paused else self._next_text())

    def _next_text(self) -> str:
        nxt = self.training.next_run
        return f"Next run {nxt:%a %d %b %H:%M}." if nxt else ""

    def show_metrics(self) -> None:
        QDesktopServices.openUrl(QUrl(self.metrics_url()))

    def notify(self, title: str, text: str) -> None:
        if self.icon is not None and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, text or title, app_icon(), 6000)
        self.notified.emit(title, text)

    def _on_event(self, event: dict) -> None:
        kind, message = event.get("kind"), str(event.get("message", ""))
        titles = {"started": "Training started", "finished": "Training finished", "failed": "Training failed",
                  "promoted": "New model in use"}
        if kind in titles:
            self.notify(titles[kind], message)

    def _activated(self, reason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.showHideRequested.emit()

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()
