"""Score a YOLO ONNX model on the evaluation set through the app's own decoder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stickerstudio_desktop.engine.pipeline import cut_out

from .dataset import EvalItem
from .scoring import SOLID, iou


@dataclass
class Score:
    ious: list[float] = field(default_factory=list)

    @property
    def miou(self) -> float | None:
        return float(np.mean(self.ious)) if self.ious else None

    @property
    def n(self) -> int:
        return len(self.ious)


def predicted_mask(segmenter, rgb: np.ndarray) -> np.ndarray:
    """The cut-out the app would make of every subject, as a boolean mask (alpha ≥ 50 %).

    Scores the delivered edges (after the engine's refinement), not the model's raw
    mask, and the union of all subjects, since the label covers them all.
    """
    return cut_mask(rgb, segmenter.segment(rgb))


def cut_mask(rgb: np.ndarray, instances: list) -> np.ndarray:
    """The app's cut-out of all *instances* as a boolean mask: alpha ≥ 50 %."""
    return cut_out(rgb, instances, list(range(len(instances))))[..., 3] >= SOLID


def evaluate(segmenter, items: list[EvalItem]) -> Score:
    """Per-image IoU of *segmenter* (None: no model, every image scores 0)."""
    score = Score()
    for item in items:
        rgb, truth = item.load()
        score.ious.append(iou(predicted_mask(segmenter, rgb), truth) if segmenter is not None else 0.0)
    return score


#: The style whose model the real photos with human masks judge.
REAL_STYLE = "normal"


def run_gate(pipeline, data, challengers: dict[str, Path], *, margin: float, tolerance: float, min_iou: float,
             real_items: list | None = None):
    """Score champions (the app's own lookup) and *challengers* ({style: ONNX}) on the evaluation set.

    With *real_items* (``trainer.realgt``), a photo challenger is also scored on real photos with
    human masks against the champion, or where there is none against what ``auto`` runs for
    photos now: teacher-labelled images alone can promote a model that fails on real ones.
    Returns (GateDecision, {style: champion mIoU or None}).
    """
    from .gate import StyleScores, decide
    from .models import segmenter
    from .routing import STYLES, model_name

    scores: dict[str, StyleScores] = {}
    champion: dict[str, float | None] = {}
    for style in STYLES:
        items = data.eval_items(style)
        if not items:
            continue
        current = pipeline.yolo(style)  # promoted pointer → ONNX session, exactly as the app resolves it
        champ = evaluate(current, items).ious if current is not None else None
        chall = None
        if style in challengers:
            chall = evaluate(segmenter(pipeline, model_name(style), challengers[style]), items).ious
        scores[style] = StyleScores(champion=champ, challenger=chall)
        champion[style] = float(np.mean(champ)) if champ else None
    real: dict[str, StyleScores] = {}
    if real_items and REAL_STYLE in challengers:
        from .realgt import score, segmenter_cutter

        current = pipeline.yolo(REAL_STYLE) or pipeline.salient(pipeline.route(None))
        real[REAL_STYLE] = StyleScores(
            champion=[s.iou for s in score(real_items, segmenter_cutter(current))],
            challenger=[s.iou for s in score(real_items, segmenter_cutter(
                segmenter(pipeline, model_name(REAL_STYLE), challengers[REAL_STYLE])))])
    return decide(scores, margin=margin, tolerance=tolerance, min_iou=min_iou, real=real), champion
