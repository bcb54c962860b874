"""The real-image judge: real photos with human-made masks (``../shared/realgt``).

Composites cut from the same sources as training flatter a model; these photos
(COCO-MVal and DAVIS, masks drawn by people) are what users bring. Every model
decision — routing, the subject rule, the bundling gate, the nightly gate and
the benchmarks — scores its eval split through the app's own pipeline, so the
number is the cut-out a user gets. Nothing here is committed to the project:
the folder is read where it lies and a build without it skips this judge.
"""

from __future__ import annotations

import csv
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.engine.pipeline import cut_out
from stickerstudio_desktop.engine.subjects import choose

from .scoring import SOLID, iou

#: Where the set lies beside the checkout; ``STICKERSTUDIO_REALGT`` moves it.
DEFAULT_DIR = ROOT_DIR.parent / "shared" / "realgt"
ENV = "STICKERSTUDIO_REALGT"
SPLITS = ("eval", "train")
#: Human masks of the same object agree at about this IoU (the set's README): the ceiling.
HUMAN_AGREEMENT = 0.96


@dataclass(frozen=True)
class RealItem:
    stem: str
    source: str  # COCO | DAVIS
    category: str  # coarse: animal, food, object, person, vehicle (the part before ':')
    image: Path
    mask: Path

    def load(self) -> tuple[np.ndarray, np.ndarray]:
        """(RGB uint8, boolean truth) at the photo's own size."""
        bgr = cv2.imread(str(self.image), cv2.IMREAD_COLOR)
        truth = cv2.imread(str(self.mask), cv2.IMREAD_GRAYSCALE)
        if bgr is None or truth is None or truth.shape != bgr.shape[:2]:
            raise ValueError(f"{self.stem}: the photo or its mask is unreadable, or they differ in size.")
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), truth > 127


def realgt_dir() -> Path:
    return Path(os.environ.get(ENV) or DEFAULT_DIR)


def coarse_category(category: str) -> str:
    """'animal:cat+laptop' → 'animal'; DAVIS frames without a label count as 'other'."""
    head = category.split(":", 1)[0].split("+", 1)[0].strip()
    return head or "other"


def load_items(split: str = "eval", root: Path | None = None) -> list[RealItem]:
    """The split's items, in manifest order; empty when the folder is not there."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}.")
    root = Path(root) if root is not None else realgt_dir()
    manifest = root / "manifest.csv"
    if not manifest.is_file():
        return []
    with open(manifest, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("split") == split]
    return [RealItem(stem=r["stem"], source=r["source"], category=coarse_category(r.get("category", "")),
                     image=root / "images" / f"{r['stem']}.jpg", mask=root / "masks" / f"{r['stem']}.png")
            for r in rows]


def art_items(folder: Path) -> list[RealItem]:
    """Held-out illustration composites (``trainer.data.heldout_art``) as judge items; empty when absent.

    Their category is the kind of background the subject was pasted on (photo, drawn, plain).
    """
    manifest = Path(folder) / "manifest.csv"
    if not manifest.is_file():
        return []
    with open(manifest, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    folder = Path(folder)
    return [RealItem(stem=r["name"], source=r["source"], category=_background_kind(r.get("background", "")),
                     image=folder / "images" / f"{r['name']}.png", mask=folder / "masks" / f"{r['name']}.png")
            for r in rows]


def _background_kind(background: str) -> str:
    if background.startswith("realgt"):
        return "on photo"
    return "on plain" if background in ("synthetic", "") else "on drawing"


def missing_message(root: Path | None = None) -> str:
    root = Path(root) if root is not None else realgt_dir()
    return (f"The real-photo judge is skipped: {root} has no manifest.csv "
            f"(set {ENV} to the folder of real photos with human masks).")


@dataclass
class RealScore:
    stem: str
    source: str
    category: str
    iou: float
    ms: float
    engine: str  # the model that cut it (auto names the one it routed to)
    mask: np.ndarray | None = None  # the cut-out (alpha ≥ 50 %), kept only for contact sheets


#: A cutter maps an item to (boolean mask at the photo's size, model name).
Cutter = Callable[[RealItem], tuple[np.ndarray, str]]


def pipeline_cutter(pipeline, engine: str, selection="auto") -> Cutter:
    """What the app delivers for *engine*: analyse, choose subjects, refine; alpha ≥ 50 %.

    *selection* is what ``Pipeline.cutout`` takes, or a function of the analysis returning the
    instance indices (to measure another subject rule on the same models).
    """

    def cut(item: RealItem) -> tuple[np.ndarray, str]:
        pipeline.clear_caches()  # every photo runs the models: the timings are the app's first cut
        analysis = pipeline.analyse(item.image, engine)
        chosen = selection(analysis) if callable(selection) else selection
        alpha = np.asarray(pipeline.cutout(analysis, chosen).image)[..., 3]
        h, w = analysis.source_size[1], analysis.source_size[0]
        if alpha.shape != (h, w):
            alpha = cv2.resize(alpha, (w, h), interpolation=cv2.INTER_LINEAR)
        return alpha >= SOLID, analysis.engine

    return cut


def segmenter_cutter(segmenter) -> Cutter:
    """One model's cut-out as the app makes it (whole-subject rule, refined edges), for gates."""

    def cut(item: RealItem) -> tuple[np.ndarray, str]:
        rgb, _ = item.load()
        found = segmenter.segment(rgb)
        return cut_out(rgb, found, choose(found, "auto", rgb.shape[:2]))[..., 3] >= SOLID, segmenter.name

    return cut


def score(items: Sequence[RealItem], cutter: Cutter, *, keep_masks: bool = False,
          log: Callable[[str], None] | None = None, label: str = "") -> list[RealScore]:
    """Per-photo IoU and milliseconds of *cutter* (the first call is a warm-up, not timed)."""
    out: list[RealScore] = []
    if items:
        cutter(items[0])  # session start-up and first-run allocation stay out of the timings
    for i, item in enumerate(items):
        _, truth = item.load()
        t0 = time.perf_counter()
        mask, engine = cutter(item)
        ms = (time.perf_counter() - t0) * 1000
        out.append(RealScore(item.stem, item.source, item.category, iou(mask, truth), ms, engine,
                             mask if keep_masks else None))
        if log and ((i + 1) % 25 == 0 or i + 1 == len(items)):
            log(f"{label or 'real photos'}: {i + 1}/{len(items)} scored")
    return out


def _mean(values: Sequence[float]) -> float | None:
    return round(float(np.mean(values)), 4) if len(values) else None


def _p50(values: Sequence[float]) -> float | None:
    return round(float(np.median(values)), 1) if len(values) else None


def summarise(scores: Sequence[RealScore]) -> dict:
    """mIoU overall, per source and per category; p50 ms; which models cut the photos."""
    groups: dict[str, dict[str, list[float]]] = {"source": defaultdict(list), "category": defaultdict(list)}
    for s in scores:
        groups["source"][s.source].append(s.iou)
        groups["category"][s.category].append(s.iou)
    return {
        "n": len(scores), "miou": _mean([s.iou for s in scores]), "p50_ms": _p50([s.ms for s in scores]),
        "per_source": {k: {"n": len(v), "miou": _mean(v)} for k, v in sorted(groups["source"].items())},
        "per_category": {k: {"n": len(v), "miou": _mean(v)} for k, v in sorted(groups["category"].items())},
        "engines": {e: sum(s.engine == e for s in scores) for e in sorted({s.engine for s in scores})},
    }


def worst_groups(candidate: dict, reference: dict) -> list[tuple[str, float]]:
    """(group, candidate − reference mIoU) for every source and category, worst first."""
    gaps = []
    for kind in ("per_source", "per_category"):
        for name, block in reference[kind].items():
            mine = candidate[kind].get(name)
            if mine and mine["miou"] is not None and block["miou"] is not None:
                gaps.append((f"{kind[4:]} {name}", round(mine["miou"] - block["miou"], 4)))
    return sorted(gaps, key=lambda g: g[1])
