"""Background tasks whose results come back to the GUI thread as queued signals.

Model calls take hundreds of milliseconds, so they never run on the GUI
thread. A task gets a cancel event it can poll, reports progress, and ends
with exactly one of done / failed / cancelled, then ``finished``. Expected
errors (``StickerStudioError``) arrive as their one-sentence message; anything
else is logged with its traceback and shown as a short sentence, so a bug in
a worker never takes the window down.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from ..errors import StickerStudioError

log = logging.getLogger(__name__)


class TaskCancelled(Exception):
    """Raised inside a task by ``check_cancel`` once the user cancelled."""


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    progress = Signal(float, str)  # fraction in [0, 1], or -1 when unknown; message
    partial = Signal(object)  # an intermediate result (e.g. one sticker of a batch)
    finished = Signal()


class Task:
    """Runs ``fn(task)`` on a pool thread.

    A plain object handed to ``QThreadPool.start`` as a callable, so Qt owns
    no Python object and nothing is deleted while a thread still uses it.
    """

    def __init__(self, fn: Callable[[Task], Any], kind: str = "") -> None:
        self.fn = fn
        self.kind = kind
        self.cancel_event = threading.Event()
        self.signals = TaskSignals()
        self.running = True

    # called from the worker thread ------------------------------------------
    def report(self, fraction: float, message: str = "") -> None:
        self.signals.progress.emit(float(fraction), message)

    def emit_partial(self, value: Any) -> None:
        self.signals.partial.emit(value)

    def check_cancel(self) -> None:
        if self.cancel_event.is_set():
            raise TaskCancelled()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def run(self) -> None:
        outcome, value = self._execute()
        # Not running any more *before* anyone hears about it, so a listener
        # that asks "is anything still busy?" gets the right answer.
        self.running = False
        if outcome == "done":
            self.signals.done.emit(value)
        elif outcome == "failed":
            self.signals.failed.emit(value)
        else:
            self.signals.cancelled.emit()
        self.signals.finished.emit()

    def _execute(self) -> tuple[str, Any]:
        try:
            result = self.fn(self)
        except TaskCancelled:
            return "cancelled", None
        except StickerStudioError as exc:
            if self.cancel_event.is_set():  # e.g. GenerationCancelled: not a failure
                return "cancelled", None
            _count_error(type(exc).__name__)
            return "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - a worker must never kill the app
            log.exception("background task %s failed", self.kind or self.fn)
            _count_error("unexpected")
            return "failed", f"Something unexpected went wrong ({type(exc).__name__}: {exc})."
        if self.cancel_event.is_set():
            return "cancelled", None
        return "done", result

    # called from the GUI thread ----------------------------------------------
    def cancel(self) -> None:
        self.cancel_event.set()


def _count_error(kind: str) -> None:
    try:
        from ..metrics import METRICS

        METRICS.errors.labels(kind).inc()
    except Exception:  # noqa: BLE001 - metrics are best effort
        pass


class TaskRunner(QObject):
    """A private thread pool plus the bookkeeping that keeps tasks alive."""

    def __init__(self, max_threads: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._tasks: set[Task] = set()
        self._closed = False

    def submit(self, fn: Callable[[Task], Any], *, kind: str = "",
               on_done: Callable[[Any], None] | None = None,
               on_failed: Callable[[str], None] | None = None,
               on_cancelled: Callable[[], None] | None = None,
               on_progress: Callable[[float, str], None] | None = None,
               on_partial: Callable[[Any], None] | None = None) -> Task:
        """Start *fn* on the pool; callbacks run on the GUI thread."""
        task = Task(fn, kind)
        q = Qt.ConnectionType.QueuedConnection
        for signal, slot in ((task.signals.done, on_done), (task.signals.failed, on_failed),
                             (task.signals.cancelled, on_cancelled), (task.signals.progress, on_progress),
                             (task.signals.partial, on_partial)):
            if slot is not None:
                signal.connect(self._guard(slot), q)
        task.signals.finished.connect(lambda t=task: self._tasks.discard(t), q)
        self._tasks.add(task)
        if self._closed:
            task.cancel()
        self.pool.start(task.run)
        return task

    def _guard(self, slot: Callable) -> Callable:
        """Drop results that arrive after shutdown (the window may be gone)."""
        def call(*args):
            if not self._closed:
                slot(*args)
        return call

    @property
    def busy(self) -> bool:
        """Some task is still computing."""
        return any(t.running for t in self._tasks)

    @property
    def settled(self) -> bool:
        """Every task has finished and its callbacks have run on the GUI thread."""
        return not self._tasks

    def active(self, kind: str) -> list[Task]:
        return [t for t in self._tasks if t.running and t.kind == kind]

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def shutdown(self, wait_ms: int = 5000) -> bool:
        """Cancel everything and wait (bounded) for running tasks to return."""
        self._closed = True
        self.cancel_all()
        return self.pool.waitForDone(wait_ms)
