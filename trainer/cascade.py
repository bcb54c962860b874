"""Choose the manifest's cascade: when ``auto`` should ask U²-Net after U²-Netp, from real photos.

Both models cut every photo of the realgt **train** split (never eval) as the app does; each fast
cut-out's doubts (``engine.cascade.doubts``) are kept beside both IoUs. A limit on one measure, or
on two (either exceeding sends the photo on), is chosen for the highest mIoU the pair would reach;
among equals the one that sends fewest photos to the slow model. The manifest's ``cascade`` block
gets the limits and what they scored; ``stickerstudio-train eval --real`` then judges it on eval.

    python -m trainer.cascade [--models models/] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.engine.cascade import MEASURES, doubts
from stickerstudio_desktop.engine.pipeline import Pipeline
from stickerstudio_desktop.engine.subjects import choose
from stickerstudio_desktop.errors import StickerStudioError

from . import realgt
from .manifest_writer import update_top
from .realcard import SALIENT
from .scoring import SOLID, iou

FAST, FULL = SALIENT  # the fast model first
#: Candidate limits per measure: these quantiles of its values on the split.
QUANTILES = np.linspace(0.5, 0.98, 25)
#: A second limit must add at least this much mIoU to be kept (one measure is easier to trust).
MIN_GAIN = 0.002


@dataclass(frozen=True)
class Row:
    stem: str
    category: str
    doubts: dict[str, float]
    iou_fast: float
    iou_full: float


def measure(pipeline: Pipeline, items: Sequence[realgt.RealItem], fast: str = FAST, full: str = FULL,
            log: Callable[[str], None] = print) -> list[Row]:
    """Each photo's fast doubts and both models' IoU, cut as the app cuts (subject rule, refined edges)."""
    rows = []
    for k, item in enumerate(items):
        _, truth = item.load()
        ious, measured = {}, {}
        for model in (fast, full):
            pipeline.clear_caches()
            analysis = pipeline.analyse(item.image, model)
            chosen = choose(analysis.instances, "auto", analysis.rgb.shape[:2])
            if model == fast:
                measured = doubts(analysis.instances, chosen, analysis.rgb.shape[:2], analysis.style)
            alpha = np.asarray(pipeline.cutout(analysis, chosen).image)[..., 3]
            if alpha.shape != truth.shape:
                alpha = cv2.resize(alpha, truth.shape[::-1], interpolation=cv2.INTER_LINEAR)
            ious[model] = iou(alpha >= SOLID, truth)
        rows.append(Row(item.stem, item.category, measured, ious[fast], ious[full]))
        if (k + 1) % 25 == 0 or k + 1 == len(items):
            log(f"cascade: {k + 1}/{len(items)} photos cut by {fast} and {full}")
    return rows


def outcome(rows: Sequence[Row], limits: dict[str, float]) -> tuple[float, float]:
    """(mIoU, share of photos sent to the full model) of the cascade with *limits* on *rows*."""
    sent = [any(r.doubts[k] > v for k, v in limits.items()) for r in rows]
    return float(np.mean([r.iou_full if s else r.iou_fast for r, s in zip(rows, sent)])), float(np.mean(sent))


def choose_limits(rows: Sequence[Row]) -> dict[str, float]:
    """The best single limit, and a second one only where it adds at least ``MIN_GAIN`` mIoU."""
    grid = {m: sorted({round(float(q), 4) for q in np.quantile([r.doubts[m] for r in rows], QUANTILES)})
            for m in MEASURES}

    def rank(limits: dict[str, float]) -> tuple[float, float]:
        miou, share = outcome(rows, limits)
        return round(miou, 4), -share

    singles = [{m: t} for m in MEASURES for t in grid[m]]
    best = max(singles, key=rank)
    pairs = [{a: ta, b: tb} for a, b in combinations(MEASURES, 2) for ta in grid[a] for tb in grid[b]]
    pair = max(pairs, key=rank)
    return pair if rank(pair)[0] >= rank(best)[0] + MIN_GAIN else best


def block(rows: Sequence[Row], limits: dict[str, float], fast: str = FAST, full: str = FULL) -> dict:
    """The manifest's ``cascade`` entry: the models, the limits and what they scored where chosen."""
    miou, share = outcome(rows, limits)
    return {"fast": fast, "full": full, "limits": limits,
            "chosen_on": {"split": "realgt train", "n": len(rows), "miou": round(miou, 4),
                          "sent_to_full": round(share, 3),
                          f"{fast}_miou": round(float(np.mean([r.iou_fast for r in rows])), 4),
                          f"{full}_miou": round(float(np.mean([r.iou_full for r in rows])), 4)}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=Path, default=ROOT_DIR / "models")
    ap.add_argument("--limit", type=int, default=None, help="only the first N training photos (a quick look)")
    args = ap.parse_args(argv)
    items = realgt.load_items("train")[:args.limit]
    if not items:
        print(f"error: {realgt.missing_message()}", file=sys.stderr)
        return 1
    try:
        rows = measure(Pipeline(), items)
        entry = block(rows, choose_limits(rows))
        update_top(args.models, "cascade", entry)
    except StickerStudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"cascade: {entry}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
