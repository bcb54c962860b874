"""The scheduler API the tray is built on: next run, pause/resume, Retrain now, events."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta

import pytest
from test_loop_support import FAST, ROOT

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.config.settings import Settings
from stickerstudio_desktop.errors import ConfigError
from trainer.scheduler import NightlyScheduler
from trainer.settings import TrainerSettings


def test_importing_the_scheduler_pulls_in_neither_qt_nor_torch():
    code = ("import sys, trainer.scheduler, trainer.cli; "
            "bad = [m for m in ('torch', 'ultralytics', 'PySide6', 'mlflow') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_next_run_is_the_configured_local_time_and_pause_hides_it(private_home):
    sched = NightlyScheduler(app_paths(private_home), Settings(nightly_time="03:00"))
    nxt = sched.next_run
    now = datetime.now()
    assert (nxt.hour, nxt.minute) == (3, 0) and now < nxt <= now + timedelta(days=1)
    sched.pause()
    assert sched.paused and sched.next_run is None
    sched.resume()
    assert not sched.paused and sched.next_run == nxt
    assert NightlyScheduler(app_paths(private_home), Settings(nightly_enabled=False)).next_run is None
    with pytest.raises(ConfigError):
        NightlyScheduler(app_paths(private_home), Settings(nightly_time="25:00"))


def test_start_and_stop_the_clock_thread(private_home):
    sched = NightlyScheduler(app_paths(private_home), Settings())
    sched.start()
    assert any(t.name == "stickerstudio-scheduler" for t in threading.enumerate())
    sched.stop()
    assert not any(t.name == "stickerstudio-scheduler" for t in threading.enumerate())


def test_run_now_runs_in_the_background_and_reports_events(private_home):
    events, done = [], threading.Event()

    def on_event(e):
        events.append(e)
        if e["kind"] in ("finished", "failed"):
            done.set()

    sched = NightlyScheduler(app_paths(private_home), Settings(), on_event=on_event,
                             trainer_settings=TrainerSettings(**FAST))
    assert sched.last_result is None
    assert sched.run_now() is True
    assert sched.run_now() is False  # already going
    assert sched.wait()
    assert done.is_set()
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "started" and kinds[-1] == "finished"
    assert all(0.0 <= e.get("progress", 0) <= 1.0 and e["message"] for e in events)
    assert sched.last_result["outcome"] == "no_new_data" and sched.last_result["summary"]
    # A fresh scheduler (e.g. after an app restart) knows the last result from disk.
    again = NightlyScheduler(app_paths(private_home), Settings())
    assert again.last_result == sched.last_result
    assert sched.run_now() is True and sched.wait()


def test_a_bad_trainer_setting_is_a_failed_event_not_a_crash(private_home):
    paths = app_paths(private_home)
    paths.trainer.mkdir(parents=True)
    (paths.trainer / "settings.json").write_text('{"imgsz": 100}')
    events = []
    sched = NightlyScheduler(paths, Settings(), on_event=events.append)
    assert sched.run_now() and sched.wait()
    assert events[-1]["kind"] == "failed" and "multiple of 32" in events[-1]["message"]
    assert sched.last_result["outcome"] == "failed"


def test_headless_schedule_command_serves_metrics_until_terminated(private_home):
    import json
    import signal
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "trainer.cli", "schedule", "--home", str(private_home),
                             "--at", "04:15", "--metrics-port", "0", "--json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = json.loads(proc.stdout.readline())
        assert first["kind"] == "scheduled" and first["next_run"][11:16] == "04:15"
        body = urllib.request.urlopen(f"http://127.0.0.1:{first['metrics_port']}/metrics").read().decode()
        assert "stickerstudio_scheduler_next_run_timestamp_seconds" in body
        assert "stickerstudio_host_memory_percent" in body
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate()
    assert proc.returncode == 0, err


def test_missing_training_packages_are_named(monkeypatch):
    import importlib.util

    from trainer import scheduler

    assert scheduler.missing_training_packages() == []  # make test installs the train extra
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    assert scheduler.missing_training_packages() == ["torch"]
