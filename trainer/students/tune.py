"""Pick a student's confidence threshold on the validation split, never on test.

The app keeps every instance above ``conf`` and cuts out their union, so a
low threshold pastes background blobs into the sticker and a high one drops
subjects. One inference per image at the lowest candidate gives every
threshold's answer (greedy NMS only lets a box be suppressed by a higher-scoring
one, which passes any threshold the lower one passes), scored like the harness
scores a model (the app's refined cut-out of the kept instances) against the
validation labels rasterised back from their YOLO polygons.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stickerstudio_desktop.engine.yolo_seg import YoloSegmenter

from ..classifier.evaluate import read_rgb
from ..evaluate import cut_mask
from ..polygons import parse_yolo_label, polygons_to_mask
from ..scoring import iou

CANDIDATES = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)


def val_items(style_dir: Path, limit: int | None = None) -> list[tuple[Path, Path]]:
    """(image, YOLO label) pairs of the validation split."""
    images = sorted((Path(style_dir) / "images" / "val").glob("*.jpg"))[:limit]
    return [(p, Path(style_dir) / "labels" / "val" / f"{p.stem}.txt") for p in images]


def tune_conf(segmenter: YoloSegmenter, items: list[tuple[Path, Path]],
              candidates: tuple[float, ...] = CANDIDATES) -> tuple[float, dict[float, float]]:
    """(best threshold, {threshold: mean IoU}); ties go to the threshold nearest the manifest default."""
    if not items:
        raise ValueError("no validation images to tune on")
    low = YoloSegmenter(segmenter.spec, segmenter.session, conf=min(candidates), iou=segmenter.iou)
    scores: dict[float, list[float]] = {c: [] for c in candidates}
    for image, label in items:
        rgb = read_rgb(image)
        shape = rgb.shape[:2]
        text = label.read_text(encoding="utf-8") if label.is_file() else ""
        truth = polygons_to_mask(parse_yolo_label(text, shape), shape) > 0
        instances = low.segment(rgb)
        for c in candidates:
            scores[c].append(iou(cut_mask(rgb, [i for i in instances if i.score >= c]), truth))
    means = {c: round(float(np.mean(v)), 4) for c, v in scores.items()}
    best = max(candidates, key=lambda c: (means[c], -abs(c - 0.25)))
    return best, means
