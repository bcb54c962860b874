"""What ``status`` and ``eval`` report: champions, data, lock, last run, and fresh scores."""

from __future__ import annotations

from typing import Any

import numpy as np

from stickerstudio_desktop.config.paths import AppPaths
from stickerstudio_desktop.metrics import METRICS

from .dataset import DatasetStore
from .loop import lock_for, read_last_result
from .modelstore import ModelStore
from .routing import STYLES, model_name
from .settings import TrainerSettings
from .state import TrainerState


def status(paths: AppPaths, settings: TrainerSettings) -> dict[str, Any]:
    state = TrainerState(paths.trainer / "state.sqlite3")
    store = ModelStore(paths, settings.keep_versions)
    data = DatasetStore(paths.trainer, state)
    models = {}
    for style in STYLES:
        name = model_name(style)
        cur = store.current(name) or {}
        models[name] = {"version": cur.get("version"), "miou": cur.get("miou"),
                        "promoted_at": cur.get("promoted_at"), "versions": store.versions(name),
                        "checkpoint": bool(store.champion_checkpoint(name))}
    return {
        "running": lock_for(paths).holder(),
        "models": models,
        "dataset": state.counts(),
        "eval_version": data.eval_version(),
        "pending": state.pending(),
        "last_result": read_last_result(paths),
        "sources": settings.sources,
        "trainer_dir": str(paths.trainer),
    }


def evaluate_champions(paths: AppPaths, settings: TrainerSettings) -> dict[str, Any]:
    """Score each installed champion on the evaluation set with the app's engine.

    The photo champion is also scored on the real photos with human masks, as the gate does.
    """
    from .evaluate import REAL_STYLE, evaluate
    from .models import trainer_pipeline
    from .realgt import load_items, score, segmenter_cutter

    state = TrainerState(paths.trainer / "state.sqlite3")
    data = DatasetStore(paths.trainer, state)
    store = ModelStore(paths, settings.keep_versions)
    pipeline = trainer_pipeline(paths, settings.imgsz)
    out: dict[str, Any] = {"eval_version": data.eval_version(), "models": {}}
    for style in STYLES:
        name = model_name(style)
        items = data.eval_items(style)
        seg = pipeline.yolo(style)
        cur = store.current(name) or {}
        entry: dict[str, Any] = {"version": cur.get("version") or (seg.spec.version if seg else None),
                                 "images": len(items), "miou": None}
        if seg is not None and items:
            entry["miou"] = float(np.mean(evaluate(seg, items).ious))
            METRICS.champion_miou.labels(name).set(entry["miou"])
        real = load_items("eval") if seg is not None and style == REAL_STYLE else []
        if real:
            real = real[:settings.real_judge_size] if settings.real_judge_size else real
            entry["real_photos"] = len(real)
            entry["real_miou"] = float(np.mean([s.iou for s in score(real, segmenter_cutter(seg))]))
        out["models"][name] = entry
    return out
