"""Push the trainer's state into the shared Prometheus registry.

Host gauges are computed on scrape (psutil, lazily imported; silently
absent without it). Everything else is set when a run ends, and once at
start-up from what is on disk, so a fresh process reports the champion.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from stickerstudio_desktop.metrics import METRICS

from .modelstore import ModelStore, version_number
from .routing import STYLES, model_name
from .state import TrainerState

log = logging.getLogger(__name__)
_bound: set[str] = set()


def bind_host_metrics(disk_path: Path) -> bool:
    """Make the host gauges read psutil on every scrape; False when psutil is missing."""
    try:
        import psutil
    except ImportError:
        return False
    path = str(disk_path if Path(disk_path).exists() else Path(disk_path).anchor or "/")
    if path in _bound:
        return True
    psutil.cpu_percent(None)  # prime: the first reading is always 0
    METRICS.host_cpu_percent.set_function(lambda: psutil.cpu_percent(None))
    METRICS.host_memory_percent.set_function(lambda: psutil.virtual_memory().percent)
    METRICS.host_memory_used_bytes.set_function(lambda: psutil.virtual_memory().used)
    METRICS.host_disk_percent.set_function(lambda: psutil.disk_usage(path).percent)
    METRICS.host_disk_free_bytes.set_function(lambda: psutil.disk_usage(path).free)
    _bound.clear()
    _bound.add(path)
    return True


def publish_datasets(state: TrainerState) -> None:
    counts = state.counts()
    for style in STYLES:
        for split in ("train", "val", "eval"):
            METRICS.dataset_images.labels(style, split).set(counts.get(style, {}).get(split, 0))


def publish_champions(store: ModelStore) -> None:
    for style in STYLES:
        name = model_name(style)
        cur = store.current(name) or {}
        METRICS.champion_version.labels(name).set(version_number(cur.get("version")))
        if cur.get("miou") is not None:
            METRICS.champion_miou.labels(name).set(float(cur["miou"]))


def publish_next_run(when: datetime | None) -> None:
    METRICS.scheduler_next_run.set(when.timestamp() if when else 0)


def publish_run(outcome: str, duration_s: float, finished: datetime) -> None:
    METRICS.training_runs.labels(outcome).inc()
    METRICS.training_last_duration.set(duration_s)
    METRICS.training_last_finished.set(finished.timestamp())


def publish_all(store: ModelStore, state: TrainerState) -> None:
    try:
        publish_datasets(state)
        publish_champions(store)
    except Exception as exc:  # metrics must never break training or the app
        log.warning("Could not publish trainer metrics: %s", exc)
