"""How unsure a fast salient model's cut-out is, so ``auto`` can ask the full model only then.

U²-Netp cuts most photos as well as U²-Net in half the time, but not all: where its map is
blurry, split or nearly empty the full model is often much better. A manifest ``cascade``
(``engine.manifest.Cascade``) names the two models and a limit per measure below; the limits
are chosen on the training split of the real photos by ``trainer.cascade``, never on an eval set.
Every measure grows with doubt, so one rule reads them all: unsure when any exceeds its limit.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .types import Instance, StyleResult

#: A pixel of the saliency map between these is neither subject nor background.
SOFT_LOW, SOFT_HIGH = 0.1, 0.9
#: The names ``doubts`` measures and a cascade's limits may use.
MEASURES = ("soft", "parts", "left_out", "empty", "style")


def doubts(instances: Sequence[Instance], chosen: Sequence[int], shape: tuple[int, int],
           style: StyleResult | None) -> dict[str, float]:
    """Every measure of doubt about one fast cut-out, each in [0, 1] or a count, higher = less sure.

    - ``soft``: soft pixels per solid pixel of the whole map (a blurry or hesitant map);
    - ``parts``: how many separate parts the map falls into;
    - ``left_out``: share of the solid area the whole-subject rule leaves out;
    - ``empty``: share of the image outside the chosen subject;
    - ``style``: how far the classifier is from sure (1 − its score; 0 without one).
    """
    style_doubt = 1.0 - style.score if style is not None else 0.0
    if not instances:
        return {"soft": 1.0, "parts": 0.0, "left_out": 1.0, "empty": 1.0, "style": style_doubt}
    full = np.max(np.stack([i.mask for i in instances]), axis=0)
    solid = full >= 0.5
    n_solid = max(1, int(solid.sum()))
    soft = float(((full > SOFT_LOW) & (full < SOFT_HIGH)).sum()) / n_solid
    picked = (np.max(np.stack([instances[i].mask for i in chosen]), axis=0) >= 0.5) if chosen \
        else np.zeros(shape, bool)
    return {"soft": soft, "parts": float(len(instances)),
            "left_out": 1.0 - float((picked & solid).sum()) / n_solid,
            "empty": 1.0 - float(picked.mean()), "style": style_doubt}


def unsure(measured: dict[str, float], limits: dict[str, float]) -> list[str]:
    """The measures beyond their limits, as ``name value > limit`` (empty: the fast cut-out stands)."""
    return [f"{k} {measured[k]:.2f} > {v:g}" for k, v in limits.items() if measured[k] > v]
