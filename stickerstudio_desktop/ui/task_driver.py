"""Work on the TaskRunner with the window's busy state kept right: the plumbing under the editor.

Every task reports back on the GUI thread; when the last long one ends the
window hears "idle" once. One long job (batch, download, generate) runs at a
time and can be cancelled.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from .workers import Task, TaskRunner

#: Task kinds that make the window "busy" (progress bar, cancel button).
LONG_KINDS = ("analyse", "batch", "clip", "download", "generate")


class TaskDriver(QObject):
    busyChanged = Signal(bool, str)  # busy, what is happening
    stepChanged = Signal(str)  # "analyse", "compose", "save" or "" when idle
    message = Signal(str, str)  # level ("error", "info", "success"), one sentence
    progressChanged = Signal(float, str)  # fraction (−1 unknown), text
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(parent=self)
        self._long_task: Task | None = None

    @property
    def busy(self) -> bool:
        return self.can_cancel

    @property
    def can_cancel(self) -> bool:
        return any(self.runner.active(k) for k in LONG_KINDS)

    def _set_busy(self, text: str) -> None:
        self.busyChanged.emit(True, text)
        self.progressChanged.emit(-1.0, text)

    def _maybe_idle(self) -> None:
        if not self.busy:
            self.busyChanged.emit(False, "")
            self.stepChanged.emit("")
            self.idle.emit()

    def _error(self, text: str) -> None:
        self.message.emit("error", text)

    def _submit(self, fn: Callable[[Task], Any], kind: str, on_done: Callable[[Any], None],
                on_failed: Callable[[str], None] | None = None, busy: str = "", **kw) -> Task:
        """Run *fn* on the pool; with *busy*, the window shows it as running (after it is queued)."""
        def failed(text: str) -> None:
            (on_failed or self._error)(text)
            self._maybe_idle()

        def done(result: Any) -> None:
            on_done(result)
            self._maybe_idle()

        kw.setdefault("on_cancelled", self._maybe_idle)
        task = self.runner.submit(fn, kind=kind, on_done=done, on_failed=failed, **kw)
        if busy:
            self._set_busy(busy)
        return task

    def _cancel_long(self) -> None:
        if self._long_task is not None and self._long_task.running:
            self._long_task.cancel()
