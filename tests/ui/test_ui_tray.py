"""Tray / Training menu actions drive the scheduler through the adapter.

``RecordingScheduler`` implements the agreed ``trainer.scheduler.NightlyScheduler``
API (it stands in for another component, not for our own logic) so the
actions can be checked without training a model; the last test uses the
real trainer when it is installed.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from stickerstudio_desktop.ui.training import MISSING_REASON, TrainingAdapter


class RecordingScheduler:
    instances: list[RecordingScheduler] = []

    def __init__(self, paths, settings, on_event):
        self.paths, self.settings, self.on_event = paths, settings, on_event
        self.calls: list[str] = []
        self.paused = False
        self.next_run = datetime(2030, 1, 2, 3, 0)
        self.last_result = None
        self._running = False
        RecordingScheduler.instances.append(self)

    def start(self):
        self.calls.append("start")

    def stop(self):
        self.calls.append("stop")

    def run_now(self):
        self.calls.append("run_now")
        if self._running:
            return False
        self._running = True
        return True

    def pause(self):
        self.calls.append("pause")
        self.paused = True

    def resume(self):
        self.calls.append("resume")
        self.paused = False

    def finish_in_background(self):
        """Deliver events from another thread, as the real scheduler does."""
        def work():
            self.on_event({"kind": "started", "message": "training"})
            self.last_result = {"outcome": "promoted", "finished": datetime(2030, 1, 2, 3, 40),
                                "summary": "IoU 0.91 vs 0.88"}
            self._running = False
            self.on_event({"kind": "promoted", "message": "yolo_normal v2 is now in use"})
            self.on_event({"kind": "finished", "message": "done"})
        t = threading.Thread(target=work)
        t.start()
        t.join()


def missing_trainer(*args, **kwargs):
    raise ImportError("No module named 'trainer.scheduler'")


def test_actions_call_the_scheduler(qtbot, make_window):
    win = make_window(training_factory=RecordingScheduler)
    assert win.training.start()
    sched = win.training.scheduler
    tray = win.tray
    assert tray.retrain.isEnabled() and tray.pause.isEnabled()
    assert "No training run yet" in tray.last.text()

    tray.retrain.trigger()
    assert sched.calls[-1] == "run_now"
    assert "Training started" in win.statusBar().currentMessage()
    tray.retrain.trigger()
    assert "already running" in win.statusBar().currentMessage()

    tray.pause.trigger()
    assert sched.paused and tray.pause.text() == "Resume nightly training"
    tray.pause.trigger()
    assert not sched.paused and tray.pause.text() == "Pause nightly training"

    with qtbot.waitSignal(win.training.event, timeout=5_000, check_params_cb=lambda e: e["kind"] == "finished"):
        sched.finish_in_background()
    assert tray.last.text().startswith("Last training: promoted")
    assert "IoU 0.91" in tray.last.toolTip()

    win.shutdown()
    assert sched.calls[-1] == "stop"


def test_actions_disabled_without_trainer(make_window):
    win = make_window(training_factory=missing_trainer)
    assert not win.training.start()
    for action in (win.tray.retrain, win.tray.pause):
        assert not action.isEnabled()
        assert action.toolTip() == MISSING_REASON
    assert win.tray.last.text() == MISSING_REASON
    win.tray.retrain_now()  # still safe to call: explains instead of failing
    assert "unavailable" in win.statusBar().currentMessage().lower()


def test_nightly_switched_off_disables_pause(make_window, cli_app):
    cli_app.settings.nightly_enabled = False
    win = make_window(training_factory=RecordingScheduler)
    assert win.training.start()
    assert win.tray.retrain.isEnabled()  # Retrain now still works
    assert not win.tray.pause.isEnabled()
    assert "switched off" in win.tray.pause.toolTip()


def test_scheduler_is_built_off_the_gui_thread(qtbot, make_window):
    built_on = []

    def factory(paths, settings, on_event):
        import threading

        built_on.append(threading.current_thread() is threading.main_thread())
        return RecordingScheduler(paths, settings, on_event)

    win = make_window(training_factory=factory)
    win.training.start_in_background(win.controller.runner)
    qtbot.waitUntil(lambda: win.training.available, timeout=10_000)
    assert built_on == [False]
    assert win.training.scheduler.calls == ["start"]
    assert win.tray.retrain.isEnabled()


def test_real_trainer_pause_resume(cli_app, qtbot):
    scheduler_mod = pytest.importorskip("trainer.scheduler")
    adapter = TrainingAdapter(cli_app.paths, cli_app.settings, factory=scheduler_mod.NightlyScheduler)
    assert adapter.start(), adapter.unavailable_reason
    try:
        adapter.pause()
        assert adapter.paused
        adapter.resume()
        assert not adapter.paused
        assert isinstance(adapter.describe_last(), str)
    finally:
        adapter.stop()
