"""One run at a time across processes; a stale lock from a killed run is cleared."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from test_loop_support import FAST, start_paused_run, write_settings

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.config.settings import Settings
from trainer.cli import EXIT_BUSY, main
from trainer.lock import RunLock, TrainerBusy, pid_alive
from trainer.loop import lock_for, run_cycle
from trainer.scheduler import NightlyScheduler
from trainer.settings import TrainerSettings


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_second_acquire_in_the_same_process_is_refused(tmp_path):
    a, b = RunLock(tmp_path / "run.lock"), RunLock(tmp_path / "run.lock")
    assert a.acquire()
    assert not b.acquire()
    assert b.holder()["pid"] == os.getpid()
    a.release()
    assert b.acquire()
    b.release()
    assert not (tmp_path / "run.lock").exists()


def test_stale_lock_from_a_dead_pid_is_cleared(tmp_path):
    pid = dead_pid()
    assert not pid_alive(pid)
    path = tmp_path / "run.lock"
    path.write_text(json.dumps({"pid": pid, "host": os.uname().nodename, "started": "2020-01-01T00:00:00+00:00"}))
    lock = RunLock(path)
    assert lock.holder() is None
    assert lock.acquire()
    assert lock.cleared_stale["pid"] == pid
    assert json.loads(path.read_text())["pid"] == os.getpid()
    lock.release()


def test_a_reused_pid_is_not_mistaken_for_the_owner(tmp_path):
    path = tmp_path / "run.lock"
    path.write_text(json.dumps({"pid": os.getpid(), "create_time": 1.0}))  # our PID, another process's start
    assert RunLock(path).acquire()


def test_half_written_lock_is_stale(tmp_path):
    (tmp_path / "run.lock").write_text('{"pid": 12')
    assert RunLock(tmp_path / "run.lock").acquire()


def test_two_concurrent_runs_one_refuses_and_a_killed_holder_leaves_a_clearable_lock(private_home, capsys):
    write_settings(app_paths(private_home).trainer)
    holder = start_paused_run(private_home, "cycle-start")
    try:
        paths = app_paths(private_home)
        assert lock_for(paths).holder()["pid"] == holder.pid
        # Same machine, another process: the CLI refuses with its own exit code and one JSON object.
        assert main(["run-once", "--home", str(private_home), "--json"]) == EXIT_BUSY
        out = json.loads(capsys.readouterr().out)
        assert out["outcome"] == "busy" and str(holder.pid) in out["error"]
        with pytest.raises(TrainerBusy, match="in progress"):
            run_cycle(paths, TrainerSettings(**FAST))
        sched = NightlyScheduler(paths, Settings())
        assert sched.run_now() is False
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The killed run's lock is stale now: the next run clears it and notes what happened.
    assert (paths.trainer / "run.lock").exists()
    result = run_cycle(paths, TrainerSettings(**FAST), sources=[])
    assert result["outcome"] == "no_new_data"
    assert any(f"PID {holder.pid}" in n for n in result["notes"])
    assert any("interrupted during setup" in n for n in result["notes"])
    assert not (paths.trainer / "run.lock").exists()
