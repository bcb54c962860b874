"""Preferences, settings dialog, metrics server and the --screenshot command line."""

from __future__ import annotations

import json
import socket
import urllib.request

from PIL import Image

from stickerstudio_desktop.config.settings import load_settings
from stickerstudio_desktop.jobs.context import AppContext
from stickerstudio_desktop.ui.qt_settings import INI_NAME
from tests.conftest import SAMPLES
from tests.ui.test_ui_tray import RecordingScheduler


def test_choices_are_remembered_in_settings_json_under_home(qtbot, make_window, cli_app):
    win = make_window()
    win.controls.preset.setCurrentIndex(win.controls.preset.findData("telegram"))
    win.controls.outline.setValue(12)
    stored = cli_app.paths.settings_file
    assert stored.is_file()  # under STICKERSTUDIO_HOME, never the real user config
    assert load_settings(stored, environ={}).preset == "telegram"
    assert json.loads(stored.read_text()) == {"preset": "telegram", "outline_px": 12}
    win.shutdown()

    again = make_window()
    assert again.controller.preset == "telegram"
    assert again.controls.outline.value() == 12
    assert again.controls.preset.currentData() == "telegram"
    fresh = AppContext.create()  # what the CLI and the scheduler read
    assert (fresh.settings.preset, fresh.settings.outline_px) == ("telegram", 12)


def test_choices_an_older_version_kept_in_qsettings_move_into_settings_json(qtbot, make_window, cli_app):
    from PySide6.QtCore import QSettings

    ini = QSettings(str(cli_app.paths.config / INI_NAME), QSettings.Format.IniFormat)
    ini.setValue("settings/preset", "signal")
    ini.setValue("settings/outline_px", "10")
    ini.sync()
    win = make_window()
    assert (win.settings.preset, win.settings.outline_px) == ("signal", 10)
    assert json.loads(cli_app.paths.settings_file.read_text()) == {"outline_px": 10, "preset": "signal"}
    assert "settings" not in (cli_app.paths.config / INI_NAME).read_text()


def test_environment_beats_remembered_choice(qtbot, make_window, cli_app, monkeypatch):
    win = make_window()
    win.controls.engine.setCurrentIndex(win.controls.engine.findData("quality"))
    win.shutdown()
    monkeypatch.setenv("STICKERSTUDIO_ENGINE", "u2netp")
    cli_app.settings.engine = "u2netp"  # what load_settings gives with that variable
    again = make_window()
    assert again.controller.engine == "fast"


def test_settings_dialog_applies_and_validates(qtbot, window):
    from stickerstudio_desktop.ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(window.settings, window.paths, window)
    qtbot.addWidget(dlg)
    dlg.preset.setCurrentIndex(dlg.preset.findData("signal"))
    dlg.port.setValue(9999)
    dlg.nightly.setChecked(False)
    dlg.time.setTime(dlg.time.time().fromString("04:30", "HH:mm"))
    for row in dlg.key_rows:  # no keyring here: the rows say so instead of failing
        assert row.status.text()
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    window.apply_settings(dlg.result_settings)
    s = window.settings
    assert (s.preset, s.metrics_port, s.nightly_enabled, s.nightly_time) == ("signal", 9999, False, "04:30")
    assert "Settings saved" in window.message_bar.text_label.text()


def test_settings_dialog_keeps_keys_out_of_settings(qtbot, window):
    from stickerstudio_desktop.ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(window.settings, window.paths, window)
    qtbot.addWidget(dlg)
    dlg.key_rows[0].edit.setText("sk-test-123")
    dlg.accept()  # the "fail" keyring cannot store it: the dialog explains and stays open
    assert dlg.result_settings is None
    assert not dlg.error.isHidden() and "keyring" in dlg.error.text()
    for stored in (window.paths.config / INI_NAME, window.paths.settings_file):
        assert not stored.exists() or "sk-test-123" not in stored.read_text()


def _busy_port() -> socket.socket:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s


def test_metrics_server_starts_and_busy_port_is_reported(qtbot, make_window, cli_app):
    blocker = _busy_port()
    try:
        cli_app.settings.metrics_port = blocker.getsockname()[1]
        win = make_window(services=True, training_factory=RecordingScheduler)
        qtbot.waitUntil(lambda: win.metrics_label.text() == "Metrics: off", timeout=10_000)
        assert "in use" in win.metrics_label.toolTip()
        assert "in use" in win.statusBar().currentMessage()
    finally:
        blocker.close()

    free = _busy_port()
    port = free.getsockname()[1]
    free.close()
    win.settings.metrics_port = port
    win.start_services_metrics_only()
    qtbot.waitUntil(lambda: win.metrics.running, timeout=10_000)
    with urllib.request.urlopen(win.metrics.url, timeout=5) as resp:
        assert b"stickerstudio_stage_seconds" in resp.read()
    assert win.tray.metrics_url() == f"http://127.0.0.1:{port}/metrics"


def test_screenshot_from_command_line(tmp_path, qapp):
    from stickerstudio_desktop.cli import main

    out = tmp_path / "shot.png"
    code = main(["gui", str(SAMPLES / "chelsea.jpg"), "--caption", "Hello", "--screenshot", str(out)])
    assert code == 0
    with Image.open(out) as im:
        assert im.width >= 1000 and im.height >= 600


def test_a_nightly_time_set_in_the_window_reaches_the_headless_scheduler(qtbot, window, cli_app):
    from stickerstudio_desktop.config.store import SettingsStore
    from stickerstudio_desktop.ui.settings_dialog import SettingsDialog
    from trainer.scheduler import NightlyScheduler

    # `stickerstudio-train schedule` already running, reading the same settings.json
    store = SettingsStore(cli_app.paths.settings_file)
    running = NightlyScheduler(cli_app.paths, store.settings, store=store)
    assert (running.next_run.hour, running.next_run.minute) == (3, 0)

    dlg = SettingsDialog(window.settings, window.paths, window)
    qtbot.addWidget(dlg)
    dlg.time.setTime(dlg.time.time().fromString("04:30", "HH:mm"))
    dlg.accept()
    window.apply_settings(dlg.result_settings)

    assert running.follow_settings()  # what its clock thread does every tick
    assert (running.next_run.hour, running.next_run.minute) == (4, 30)
    started_later = NightlyScheduler(cli_app.paths, SettingsStore(cli_app.paths.settings_file).settings)
    assert (started_later.next_run.hour, started_later.next_run.minute) == (4, 30)


def test_a_corrupt_settings_file_is_one_sentence_in_the_window_and_kept_beside(qtbot, qapp, shared_pipeline):
    from stickerstudio_desktop.config.settings import Settings
    from stickerstudio_desktop.ui.main_window import MainWindow

    paths = AppContext.create().paths
    paths.config.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text('{"preset": "telegram", "outline_px": ')
    ctx = AppContext.create()
    ctx._pipeline = shared_pipeline
    win = MainWindow(ctx, services=False, warm_up=False)
    qtbot.addWidget(win)
    try:
        text = win.message_bar.text_label.text()
        assert win.message_bar.level == "error" and "not valid JSON" in text and "defaults" in text
        assert "\n" not in text and text.endswith(".")
        assert win.settings == Settings() and win.controller.preset == "whatsapp"
        (kept,) = paths.config.glob("settings.json.bad-*")
        assert kept.read_text() == '{"preset": "telegram", "outline_px": ' and kept.name in text
    finally:
        win.shutdown()
