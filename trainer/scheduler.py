"""Nightly training inside the app (or ``stickerstudio-train schedule``), with Retrain now.

The ``schedule`` library runs in a background thread and fires the cycle
at ``settings.nightly_time`` local time; when given the SettingsStore, it
re-reads ``settings.json`` every tick, so a time changed in the window (or
by hand) moves the next run without a restart. Jobs run on their own worker
thread, so ``run_now`` returns at once; the cross-process lock makes a run
started here and one started from the CLI exclude each other. Importing
this module pulls in neither Qt nor torch: the cycle's heavy imports
happen inside the job.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any, Callable

import schedule

from stickerstudio_desktop.config.paths import AppPaths
from stickerstudio_desktop.config.settings import Settings, parse_hhmm
from stickerstudio_desktop.config.store import SettingsStore

from .lock import TrainerBusy

log = logging.getLogger(__name__)

EventCallback = Callable[[dict[str, Any]], None]
#: How often the background thread looks at the clock (seconds).
TICK = 1.0


#: Heavy packages a training run imports (the `train` extra); the scheduler itself needs none.
TRAINING_PACKAGES = ("torch", "ultralytics", "mlflow", "onnx")


def missing_training_packages() -> list[str]:
    """Which of TRAINING_PACKAGES this environment lacks (cheap: no imports)."""
    import importlib.util

    return [name for name in TRAINING_PACKAGES if importlib.util.find_spec(name) is None]


class NightlyScheduler:
    def __init__(self, paths: AppPaths, settings: Settings, on_event: EventCallback | None = None,
                 trainer_settings=None, store: SettingsStore | None = None) -> None:
        parse_hhmm(settings.nightly_time)  # ConfigError now rather than at 3 a.m.
        self.paths = paths
        self.settings = settings
        self.store = store  # None: the settings object is only changed in this process
        self.on_event = on_event
        self.trainer_settings = trainer_settings  # None: read from the trainer dir for every run
        self._scheduler = schedule.Scheduler()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self._busy = threading.Lock()
        self._paused = False
        self.last_result: dict[str, Any] | None = self._stored_result()
        self._planned: tuple[str, bool] | None = None
        self._plan()
        self._publish_startup()

    # -- public API ---------------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def running(self) -> bool:
        """True while a run started by this scheduler is going."""
        return self._busy.locked()

    @property
    def next_run(self) -> datetime | None:
        """Next nightly run (local time), or None when paused or disabled."""
        if self._paused or not self._scheduler.jobs:
            return None
        return self._scheduler.next_run

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="stickerstudio-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop the clock thread; a run in progress finishes on its own worker thread."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
        self._thread = None

    def pause(self) -> None:
        self._paused = True
        self._publish_next()

    def resume(self) -> None:
        self._paused = False
        self._publish_next()

    def run_now(self) -> bool:
        """Start a run in the background; False when one is already going here or in another process."""
        from .loop import lock_for

        if self._busy.locked() or lock_for(self.paths).holder() is not None:
            return False
        return self._launch("manual")

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the current run's worker to end (tests, shutdown); True when none is left."""
        worker = self._worker
        if worker:
            worker.join(timeout)
        return not (worker and worker.is_alive())

    def follow_settings(self) -> bool:
        """Pick up a changed nightly time or switch (from the file, when there is a store); True if moved."""
        if self.store is not None:
            try:
                self.store.reload_if_changed()
            except Exception:  # a bad environment value: keep the current plan
                log.exception("could not re-read the settings")
        if not self._plan():
            return False
        nxt = self.next_run
        self._emit({"kind": "scheduled", "next_run": nxt.isoformat() if nxt else None,
                    "message": f"Next run {nxt:%Y-%m-%d %H:%M}." if nxt else "No nightly run is enabled."})
        self._publish_next()
        return True

    # -- internals --------------------------------------------------------------------
    def _plan(self) -> bool:
        """Schedule the nightly job for the settings' time, if that changed; True when it did."""
        wanted = (self.settings.nightly_time, bool(self.settings.nightly_enabled))
        if wanted == self._planned:
            return False
        parse_hhmm(wanted[0])
        self._scheduler.clear()
        if wanted[1]:
            self._scheduler.every().day.at(wanted[0]).do(self._nightly)
        self._planned = wanted
        return True

    def _emit(self, event: dict[str, Any]) -> None:
        if self.on_event:
            try:
                self.on_event(event)
            except Exception:
                log.exception("scheduler event listener failed")

    def _stored_result(self) -> dict[str, Any] | None:
        from .loop import read_last_result

        r = read_last_result(self.paths)
        return {k: r.get(k) for k in ("outcome", "finished", "summary")} if r else None

    def _publish_startup(self) -> None:
        """Host gauges, champions and dataset sizes, so the app's /metrics is complete from the start."""
        try:
            from .modelstore import ModelStore
            from .state import TrainerState
            from .telemetry import bind_host_metrics, publish_champions, publish_datasets

            bind_host_metrics(self.paths.data)
            publish_champions(ModelStore(self.paths))
            state_file = self.paths.trainer / "state.sqlite3"
            if state_file.exists():
                publish_datasets(TrainerState(state_file))
        except Exception:
            log.exception("could not publish the trainer's metrics")
        self._publish_next()

    def _publish_next(self) -> None:
        try:
            from .telemetry import publish_next_run

            publish_next_run(self.next_run)
        except Exception:
            log.exception("could not publish the next run time")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.follow_settings()
                self._scheduler.run_pending()
            except Exception:
                log.exception("scheduler tick failed")
            self._publish_next()
            self._stop.wait(TICK)

    def _nightly(self) -> None:
        if self._paused:
            log.info("Nightly training skipped: paused.")
            return
        if not self._launch("nightly"):
            log.info("Nightly training skipped: another run is in progress.")

    def _launch(self, trigger: str) -> bool:
        if not self._busy.acquire(blocking=False):
            return False
        self._worker = threading.Thread(target=self._job, args=(trigger,), name="stickerstudio-training",
                                        daemon=True)
        self._worker.start()
        return True

    def _job(self, trigger: str) -> None:
        try:
            from .loop import run_cycle

            try:
                result = run_cycle(self.paths, self.trainer_settings, on_event=self._emit, trigger=trigger)
            except TrainerBusy as exc:  # the CLI (or another app window) got there first
                self._emit({"kind": "failed", "message": str(exc)})
                return
            except Exception as exc:  # settings errors and the like: one sentence for the tray
                log.exception("training run could not start")
                self._emit({"kind": "failed", "message": str(exc)})
                self.last_result = {"outcome": "failed", "finished": datetime.now().isoformat(timespec="seconds"),
                                    "summary": str(exc)}
                return
            self.last_result = {k: result.get(k) for k in ("outcome", "finished", "summary")}
        finally:
            self._busy.release()
            self._publish_next()
