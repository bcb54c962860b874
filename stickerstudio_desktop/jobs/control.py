"""How a job reports progress and learns it was cancelled, without knowing who runs it.

The window's worker ``Task`` already has this shape; the CLI passes a
``SilentControl`` (Ctrl+C is its cancel) or a ``ConsoleControl``.
"""

from __future__ import annotations

import sys
import threading
from typing import Protocol, TextIO


class JobControl(Protocol):
    #: Set from another thread to cancel; long network waits watch it directly.
    cancel_event: threading.Event

    def report(self, fraction: float, message: str = "") -> None:
        """Progress in [0, 1], or -1 when unknown, with a short text."""

    def check_cancel(self) -> None:
        """Raise (the runner's own exception) once cancelled."""


class JobCancelled(Exception):
    """Raised by ``check_cancel`` of the controls defined here."""


class SilentControl:
    """Never cancelled unless ``cancel_event`` is set; progress is dropped."""

    def __init__(self) -> None:
        self.cancel_event = threading.Event()

    def report(self, fraction: float, message: str = "") -> None:
        pass

    def check_cancel(self) -> None:
        if self.cancel_event.is_set():
            raise JobCancelled()


class ConsoleControl(SilentControl):
    """Progress texts as lines on a stream (stderr): what a terminal user wants to see."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream or sys.stderr

    def report(self, fraction: float, message: str = "") -> None:
        if message:
            print(message, file=self.stream)
