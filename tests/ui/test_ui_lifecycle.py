"""Generate without a provider, cancel, closing the window, the PySide6 workaround."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from tests.ui.helpers import wait_for_sticker, wait_idle

PROVIDER_ENV = ("STABILITY_API_KEY", "MODELSLAB_API_KEY", "STICKERSTUDIO_SD_URL")


def test_generate_without_provider_explains(qtbot, window, monkeypatch):
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)
    window.prompt.setText("a corgi astronaut waving")
    window.generate_button.click()
    qtbot.waitUntil(lambda: window.message_bar.isVisible() and window.message_bar.level == "error",
                    timeout=30_000)
    wait_idle(qtbot, window)
    text = window.message_bar.text_label.text()
    assert "provider" in text and "Settings" in text
    assert window.controller.sticker is None


def test_generate_needs_a_prompt(window):
    window.prompt.clear()
    window.generate_action.trigger()
    assert "prompt box" in window.message_bar.text_label.text()


def test_cancel_drops_a_running_cut_out(qtbot, window, sample):
    window.open_paths([sample])
    assert window.cancel_action.isEnabled()
    window.cancel_action.trigger()  # before the worker's result can arrive
    wait_idle(qtbot, window)
    assert window.controller.sticker is None
    assert "Cancelled" in window.message_bar.text_label.text()
    assert not window.cancel_action.isEnabled()

    window.open_paths([sample])  # the next request still works
    wait_for_sticker(qtbot, window)


def test_close_without_tray_shuts_down(qtbot, make_window):
    win = make_window()
    if win.tray.available:
        pytest.skip("this platform has a system tray; closing hides the window instead")
    win.close()
    assert win._shut_down and not win.isVisible()
    assert win.controller.runner.settled


def test_light_and_dark_palettes(qapp, window):
    from PySide6.QtGui import QPalette

    from stickerstudio_desktop.ui import theme

    try:
        assert theme.apply_theme(qapp, dark=True).dark
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        window.refresh_theme()
        assert theme.DARK.window in qapp.styleSheet()
        assert not theme.apply_theme(qapp, dark=False).dark
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 200
    finally:
        theme.apply_theme(qapp)  # back to following the system


def test_installed_pyside_does_not_leak_references_to_none_or_true(qapp):
    """PySide6 6.12.0 on CPython < 3.12 aborts after a few thousand paints (pyproject excludes it)."""
    img = QImage(8, 8, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        p.setPen(QColor("red"))
        qapp.aboutToQuit.emit()
    p.end()
    assert sys.getrefcount(None) > none_before - 500
    assert sys.getrefcount(True) > true_before - 500
