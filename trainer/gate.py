"""The promotion rule, as a pure function of per-image IoUs.

The app runs one YOLO model per style, so the gate judges the pair: the
challenger set is the champion set with this run's new models swapped in.
It passes when the mean IoU over the whole evaluation set improves by at
least ``margin``, no style's mean IoU falls by more than ``tolerance``, and
a style that had no champion reaches ``min_iou`` on its own, and — where real photos with
human masks are given — the photo model does not fall on them by more than ``tolerance``
against what the app runs for photos now. A style with
no model scores 0 on its images (the app would fall back to U²-Netp there,
which the gate does not credit to either side).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass
class StyleScores:
    champion: list[float] | None  # None: no champion model for this style
    challenger: list[float] | None  # None: this run trained no challenger for it


@dataclass
class GateDecision:
    promote: bool
    reason: str
    champion_miou: float
    challenger_miou: float
    per_style: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else 0.0


def decide(scores: dict[str, StyleScores], *, margin: float, tolerance: float, min_iou: float,
           real: dict[str, StyleScores] | None = None) -> GateDecision:
    champ_all: list[float] = []
    chall_all: list[float] = []
    per_style: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    new_models = 0
    for style, s in sorted(scores.items()):
        n = len(s.champion or s.challenger or [])
        if n == 0:
            continue
        champ = s.champion if s.champion is not None else [0.0] * n
        chall = s.challenger if s.challenger is not None else champ
        champ_all += champ
        chall_all += chall
        c_m, n_m = _mean(champ), _mean(chall)
        per_style[style] = {"images": n, "champion_miou": c_m if s.champion is not None else None,
                            "challenger_miou": n_m, "new_model": s.challenger is not None}
        if s.challenger is None:
            continue
        new_models += 1
        if s.champion is None and n_m < min_iou:
            problems.append(f"the first {style} model reaches mIoU {n_m:.3f}, below the floor {min_iou:.3f}")
        elif s.champion is not None and n_m < c_m - tolerance:
            problems.append(f"{style} falls from {c_m:.3f} to {n_m:.3f}, more than the tolerance {tolerance:.3f}")
    for style, s in sorted((real or {}).items()):
        if not s.champion or not s.challenger or style not in per_style:
            continue
        c_m, n_m = _mean(s.champion), _mean(s.challenger)
        per_style[style].update(real_photos=len(s.challenger), real_champion_miou=c_m, real_challenger_miou=n_m)
        if n_m < c_m - tolerance:
            problems.append(f"on {len(s.challenger)} real photos with human masks {style} falls from {c_m:.3f} "
                            f"to {n_m:.3f}, more than the tolerance {tolerance:.3f}")
    champ_m, chall_m = _mean(champ_all), _mean(chall_all)
    if new_models == 0:
        return GateDecision(False, "No challenger could be evaluated.", champ_m, chall_m, per_style)
    if chall_m < champ_m + margin:
        problems.insert(0, f"mean IoU {chall_m:.3f} does not beat the champion's {champ_m:.3f} "
                           f"by the margin {margin:.3f}")
    if problems:
        return GateDecision(False, "Rejected: " + "; ".join(problems) + ".", champ_m, chall_m, per_style)
    return GateDecision(True, f"Promoted: mean IoU {champ_m:.3f} → {chall_m:.3f}.", champ_m, chall_m, per_style)
