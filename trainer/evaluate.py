"""Score a YOLO ONNX model on the evaluation set through the app's own decoder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stickerstudio_desktop.engine.pipeline import cut_out

from .dataset import EvalItem

#: A pixel is part of a cut-out where its alpha is at least half.
SOLID = 128


def iou(pred: np.ndarray, truth: np.ndarray) -> float:
    """Intersection over union of two boolean masks; two empty masks agree perfectly."""
    union = np.logical_or(pred, truth).sum()
    if union == 0:
        return 1.0
    return float(np.logical_and(pred, truth).sum() / union)


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


def run_gate(pipeline, data, challengers: dict[str, Path], *, margin: float, tolerance: float, min_iou: float):
    """Score champions (the app's own lookup) and *challengers* ({style: ONNX}) on the evaluation set.

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
    return decide(scores, margin=margin, tolerance=tolerance, min_iou=min_iou), champion
