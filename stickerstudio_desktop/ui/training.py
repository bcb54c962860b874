"""Thin adapter between the window and ``trainer.scheduler.NightlyScheduler``.

The trainer is an optional component (``pip install '.[train]'``), imported
lazily so the window starts fast and works without it: then every training
action is disabled with one sentence saying why. Scheduler events arrive on
a background thread; the ``event`` signal hands them to the GUI thread.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

MISSING_REASON = "Retraining needs the trainer component (pip install '.[train]')."


def _load_factory() -> Callable[..., Any]:
    from trainer.scheduler import NightlyScheduler, missing_training_packages  # optional component

    missing = missing_training_packages()
    if missing:  # the scheduler would import, but every run would fail
        raise ImportError(f"missing {', '.join(missing)}")
    return NightlyScheduler


class TrainingAdapter(QObject):
    event = Signal(dict)  # queued to the GUI thread
    changed = Signal()  # paused / last result / availability changed

    def __init__(self, paths, settings, factory: Callable[..., Any] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self._factory = factory
        self.scheduler: Any = None
        self.unavailable_reason: str | None = None
        self.running_job = False
        self.event.connect(self._track)

    # -- lifetime ----------------------------------------------------------------------------
    def _create(self) -> tuple[Any, str | None]:
        """Import and build the scheduler (any thread): (scheduler, None) or (None, reason)."""
        try:
            factory = self._factory or _load_factory()
            return factory(self.paths, self.settings, on_event=self._on_event), None
        except ImportError as exc:
            log.info("trainer not available: %s", exc)
            return None, MISSING_REASON
        except Exception as exc:  # noqa: BLE001 - a broken trainer must not stop the window
            log.exception("training scheduler could not be created")
            return None, f"The training scheduler could not start ({type(exc).__name__}: {exc})."

    def _attach(self, created: tuple[Any, str | None]) -> bool:
        scheduler, reason = created
        if scheduler is not None:
            try:
                scheduler.start()
            except Exception as exc:  # noqa: BLE001
                log.exception("training scheduler failed to start")
                scheduler, reason = None, f"The training scheduler could not start ({type(exc).__name__}: {exc})."
        self.scheduler, self.unavailable_reason = scheduler, reason
        self.changed.emit()
        return scheduler is not None

    def start(self) -> bool:
        """Create and start the scheduler now; False (with ``unavailable_reason``) when it cannot."""
        if self.scheduler is not None:
            return True
        return self._attach(self._create())

    def start_in_background(self, runner) -> None:
        """Build the scheduler on a worker (its imports and start-up take ~0.3 s), start it here."""
        if self.scheduler is None:
            runner.submit(lambda task: self._create(), kind="trainer", on_done=self._attach)

    def stop(self) -> None:
        if self.scheduler is not None:
            try:
                self.scheduler.stop()
            except Exception:  # noqa: BLE001
                log.exception("stopping the training scheduler failed")

    @property
    def available(self) -> bool:
        return self.scheduler is not None

    # -- actions ----------------------------------------------------------------------------
    def run_now(self) -> bool:
        """Start a training run now; False if one is already running or there is no trainer."""
        if self.scheduler is None:
            return False
        started = bool(self.scheduler.run_now())
        self.changed.emit()
        return started

    def pause(self) -> None:
        if self.scheduler is not None:
            self.scheduler.pause()
            self.changed.emit()

    def resume(self) -> None:
        if self.scheduler is not None:
            self.scheduler.resume()
            self.changed.emit()

    def toggle_pause(self) -> None:
        (self.resume if self.paused else self.pause)()

    @property
    def paused(self) -> bool:
        return bool(self.scheduler is not None and self.scheduler.paused)

    @property
    def nightly_enabled(self) -> bool:
        return bool(getattr(self.settings, "nightly_enabled", True))

    @property
    def next_run(self) -> datetime | None:
        return self.scheduler.next_run if self.scheduler is not None else None

    @property
    def last_result(self) -> dict | None:
        return self.scheduler.last_result if self.scheduler is not None else None

    def describe_last(self) -> str:
        """One line for the tray menu."""
        if self.scheduler is None:
            return "Training unavailable"
        if self.running_job:
            return "Training is running…"
        last = self.last_result
        if not last:
            nxt = self.next_run
            return "No training run yet" + (f" (next {nxt:%a %H:%M})" if nxt and not self.paused else "")
        outcome = str(last.get("outcome", "?"))
        when = last.get("finished")
        if isinstance(when, datetime):
            when = when.strftime("%a %H:%M")
        elif isinstance(when, str):
            when = when[:16].replace("T", " ")
        summary = str(last.get("summary", "")).strip()
        line = f"Last training: {outcome}" + (f" ({when})" if when else "")
        return f"{line}: {summary}" if summary else line

    # -- events ------------------------------------------------------------------------------
    def _on_event(self, event: dict) -> None:
        """Called by the scheduler on its own thread."""
        self.event.emit(dict(event))

    def _track(self, event: dict) -> None:
        kind = event.get("kind")
        if kind in ("started", "progress"):
            self.running_job = True
        elif kind in ("finished", "failed"):
            self.running_job = False
        self.changed.emit()
