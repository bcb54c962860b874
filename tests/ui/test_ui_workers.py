"""Background tasks: results on the GUI thread, errors as sentences, cancel honoured."""

from __future__ import annotations

import threading

from stickerstudio_desktop.errors import ExportError
from stickerstudio_desktop.ui.workers import TaskRunner


def test_results_arrive_on_gui_thread(qtbot, qapp):
    runner = TaskRunner()
    seen = {}

    def work(task):
        task.report(0.5, "half way")
        return threading.current_thread() is threading.main_thread()

    runner.submit(work, on_done=lambda v: seen.update(done=(v, threading.current_thread() is threading.main_thread())),
                  on_progress=lambda f, t: seen.update(progress=(f, t)))
    qtbot.waitUntil(lambda: "done" in seen, timeout=5_000)
    assert seen["done"] == (False, True)  # ran on a worker, delivered on the GUI thread
    assert seen["progress"] == (0.5, "half way")
    assert runner.shutdown()


def test_errors_become_messages(qtbot, qapp):
    runner = TaskRunner()
    failures = []

    def expected(task):
        raise ExportError("The sticker is too big for WhatsApp.")

    def bug(task):
        return {}["missing"]

    runner.submit(expected, on_failed=failures.append)
    runner.submit(bug, on_failed=failures.append)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5_000)
    assert "The sticker is too big for WhatsApp." in failures
    assert any(f.startswith("Something unexpected went wrong (KeyError") for f in failures)
    runner.shutdown()


def test_cancel_is_seen_by_the_task(qtbot, qapp):
    runner = TaskRunner()
    started, outcome = threading.Event(), []

    def slow(task):
        started.set()
        while True:
            task.check_cancel()
            task.cancel_event.wait(0.01)

    task = runner.submit(slow, on_cancelled=lambda: outcome.append("cancelled"),
                         on_done=lambda v: outcome.append("done"))
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: outcome == ["cancelled"], timeout=5_000)
    assert not runner.busy
    runner.shutdown()
