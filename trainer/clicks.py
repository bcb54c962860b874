"""The standard click protocol of interactive segmentation, simulated against a truth mask.

The first click goes inside the object, at the point farthest from its edge; each next one at
the centre of the largest remaining error, positive on a missed part, negative on a wrong one.
NoC@t is the number of clicks until IoU ≥ t (the limit when never reached). The cut-out is the
app's own: ``Pipeline.mask`` with the clicks, exactly what ``stickerstudio mask --include/--exclude``
writes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

from stickerstudio_desktop.engine.prompts import Click

from .realgt import RealItem
from .scoring import SOLID, iou

MAX_CLICKS = 5
THRESHOLDS = (0.85, 0.90)


def _deepest(region: np.ndarray) -> tuple[int, int]:
    """(x, y) of the point of *region* farthest from its edge (the image border counts as edge)."""
    d = cv2.distanceTransform(np.pad(region, 1).astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
    y, x = np.unravel_index(int(np.argmax(d)), d.shape)
    return int(x), int(y)


def next_click(pred: np.ndarray, truth: np.ndarray, first: bool) -> Click | None:
    """The protocol's next click for prediction *pred*; None when nothing is wrong."""
    if first:
        return Click(*_deepest(truth), positive=True) if truth.any() else None
    best = None
    for err, positive in ((truth & ~pred, True), (pred & ~truth, False)):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(err.astype(np.uint8), connectivity=8)
        if n > 1:
            k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
            if best is None or stats[k, cv2.CC_STAT_AREA] > best[0]:
                best = (stats[k, cv2.CC_STAT_AREA], labels == k, positive)
    return None if best is None else Click(*_deepest(best[1]), positive=best[2])


@dataclass
class ClickRun:
    stem: str
    ious: list[float]  # after 0 … MAX_CLICKS clicks
    ms: list[float] = field(default_factory=list)  # per click, the whole cut-out with the clicks

    def noc(self, threshold: float) -> int:
        return next((k for k, v in enumerate(self.ious) if v >= threshold), MAX_CLICKS)


def simulate(pipeline, item: RealItem, engine: str = "auto", clicks: int = MAX_CLICKS) -> ClickRun:
    """IoU of the app's cut-out after 0 … *clicks* protocol clicks on one photo."""
    _, truth = item.load()
    given: list[Click] = []
    pred = pipeline.mask(item.image, engine, "auto") >= SOLID
    run = ClickRun(item.stem, [iou(pred, truth)])
    for k in range(clicks):
        c = next_click(pred, truth, first=k == 0)
        if c is None:
            run.ious.append(run.ious[-1])
            continue
        given.append(c)
        t0 = time.perf_counter()
        pred = pipeline.mask(item.image, engine, "auto", given) >= SOLID
        run.ms.append((time.perf_counter() - t0) * 1000)
        run.ious.append(iou(pred, truth))
    return run


def summarise(runs: Sequence[ClickRun]) -> dict:
    ious = np.array([r.ious for r in runs])
    ms = [m for r in runs for m in r.ms]
    return {"n": len(runs), "miou_by_clicks": [round(float(v), 4) for v in ious.mean(0)],
            **{f"noc{round(t * 100)}": round(float(np.mean([r.noc(t) for r in runs])), 2) for t in THRESHOLDS},
            "one_click_worse": int((ious[:, 1] < ious[:, 0] - 1e-9).sum()),
            "click_p50_ms": round(float(np.median(ms)), 1) if ms else None}
