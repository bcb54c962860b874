"""A non-modal message strip inside the window: errors never pop up or block.

Errors stay until dismissed or replaced; info and success fade after a few
seconds. An optional action button (e.g. Undo) runs a callback once.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton

from . import theme
from .icons import icon

AUTO_HIDE_MS = {"info": 6000, "success": 5000}


class MessageBar(QFrame):
    actionTriggered = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.setProperty("level", "info")
        self.setAccessibleName("Message")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 8, 8, 8)
        lay.setSpacing(10)
        self.icon_label = QLabel()
        self.icon_label.setFixedSize(20, 20)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.action_button = QPushButton()
        self.action_button.hide()
        self.action_button.clicked.connect(self._run_action)
        close = QToolButton()
        close.setIcon(icon("close"))
        close.setIconSize(QSize(16, 16))
        close.setToolTip("Dismiss this message")
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.dismiss)
        lay.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.text_label, 1)
        lay.addWidget(self.action_button)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._action: Callable[[], None] | None = None
        self.level = ""
        self.hide()

    @property
    def text(self) -> str:
        return self.text_label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def show_message(self, level: str, text: str, action: str | None = None,
                     callback: Callable[[], None] | None = None, timeout_ms: int | None = None) -> None:
        self.level = level
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        t = theme.current()
        colour = {"error": t.danger, "success": t.success}.get(level, t.accent)
        self.icon_label.setPixmap(icon({"error": "error", "success": "success"}.get(level, "info"), colour)
                                  .pixmap(QSize(20, 20), self.devicePixelRatioF()))
        self.text_label.setText(text)
        self.setAccessibleDescription(text)
        self._action = callback
        self.action_button.setVisible(bool(action and callback))
        if action:
            self.action_button.setText(action)
            self.action_button.setAccessibleName(action)
        self.show()
        timeout = timeout_ms if timeout_ms is not None else AUTO_HIDE_MS.get(level)
        if action and timeout:
            timeout = max(timeout, 10000)  # leave time to press Undo
        if timeout:
            self._timer.start(timeout)
        else:
            self._timer.stop()

    def _run_action(self) -> None:
        callback, self._action = self._action, None
        self.dismiss()
        if callback:
            callback()
        self.actionTriggered.emit()

    def dismiss(self) -> None:
        self._timer.stop()
        self.hide()
