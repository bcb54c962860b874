"""The window's actions in its menus and toolbar (what goes where; the window says what each does)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSizePolicy, QWidget

from .icons import app_icon, icon


def make_action(owner: QWidget, text: str, icon_name: str | None, tip: str, slot, shortcut=None) -> QAction:
    """An action on *owner* whose tooltip names its shortcut."""
    a = QAction(icon(icon_name) if icon_name else app_icon(), text, owner)
    if shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
        keys = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{tip} ({keys})" if keys else tip
    a.setToolTip(tip)
    a.setStatusTip(tip)
    a.triggered.connect(slot)
    owner.addAction(a)
    return a


def build_menus(win) -> None:
    """File, Edit, View, Training and Help, from the window's actions and the tray's."""
    mb = win.menuBar()
    m = mb.addMenu("&File")
    for a in (win.open_action, win.paste_action, None, win.save_action, win.export_action, None,
              win.settings_action, None, win.tray.quit):
        m.addSeparator() if a is None else m.addAction(a)
    m = mb.addMenu("&Edit")
    for a in (win.copy_action, win.paste_action, None, win.undo_action, win.redo_action, None, win.generate_action,
              win.cancel_action):
        m.addSeparator() if a is None else m.addAction(a)
    m = mb.addMenu("&View")
    m.addAction(win.create_view)
    m.addAction(win.gallery_view)
    m = mb.addMenu("&Training")
    for a in (win.tray.retrain, win.tray.pause, win.tray.last):
        m.addAction(a)
    m = mb.addMenu("&Help")
    m.addAction(win.tray.open_metrics)
    m.addAction(win.about_action)

def build_toolbar(win) -> None:
    """The main toolbar: open and paste, save, export and copy; settings at the far end."""
    tb = win.addToolBar("Main")
    tb.setObjectName("MainToolbar")
    tb.setMovable(False)
    tb.setIconSize(QSize(20, 20))
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for a in (win.open_action, win.paste_action, None, win.save_action, win.export_action,
              win.copy_action):
        tb.addSeparator() if a is None else tb.addAction(a)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    tb.addWidget(spacer)
    tb.addAction(win.settings_action)
