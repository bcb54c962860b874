"""Which detected instance(s) become the sticker."""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from ..errors import ConfigError
from .types import Instance

#: "auto" (the whole main subject), "all", or explicit indices.
Selection = Union[str, Sequence[int]]

#: A part joins the main subject when it is at least this share of the main part's area ...
PART_MIN_AREA = 0.2
#: ... and its box lies within this share of the image diagonal of the subject's boxes: a hat
#: above a face, legs below a rock, the head and the hoodie of one drawing. Chosen on
#: the train split of ../shared/realgt, confirmed on its eval split (docs/model-card.md).
PART_MAX_GAP = 0.05
#: A part at least this share of the main part's area joins wherever it is: a second person
#: beside the first, all four of a family photo. (The best single rule on realgt's train split.)
PEER_MIN_AREA = 0.5


def salience(inst: Instance, shape: tuple[int, int]) -> float:
    """Score × area share × centrality: big, confident, central wins."""
    h, w = shape
    x1, y1, x2, y2 = inst.box
    cx, cy = (x1 + x2) / 2 / w - 0.5, (y1 + y2) / 2 / h - 0.5
    centrality = 1.0 - min(1.0, np.hypot(cx, cy) / 0.7071)
    area = inst.area / float(h * w)
    return inst.score * np.sqrt(area) * (0.5 + 0.5 * centrality)


def box_gap(a: Sequence[float], b: Sequence[float]) -> float:
    """Distance in pixels between two xyxy boxes; 0 when they touch or overlap."""
    dx = max(0.0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0.0, max(a[1], b[1]) - min(a[3], b[3]))
    return float(np.hypot(dx, dy))


def whole_subject(instances: Sequence[Instance], shape: tuple[int, int]) -> list[int]:
    """The most salient instance, its peers, and every sizeable part next to them, grown until nothing joins.

    A salient map or a detector often splits one subject into pieces; keeping only the
    best piece drops the girl's hat or the hiker's legs, and the second of two people.
    Far-away small pieces (a rose beside the banana, a speck) stay out; the Subjects view
    can still add them.
    """
    areas = [max(1, inst.area) for inst in instances]
    main = int(np.argmax([salience(i, shape) for i in instances]))
    reach = PART_MAX_GAP * float(np.hypot(*shape))
    chosen = {main} | {j for j, a in enumerate(areas) if a >= PEER_MIN_AREA * areas[main]}
    grew = True
    while grew:
        grew = False
        for j, inst in enumerate(instances):
            if j in chosen or areas[j] < PART_MIN_AREA * areas[main]:
                continue
            if any(box_gap(inst.box, instances[k].box) <= reach for k in chosen):
                chosen.add(j)
                grew = True
    return sorted(chosen)


def choose(instances: Sequence[Instance], selection: Selection, shape: tuple[int, int]) -> list[int]:
    """Indices of the chosen instances; empty when there are none."""
    if not instances:
        return []
    if selection == "auto":
        return whole_subject(instances, shape)
    if selection == "all":
        return list(range(len(instances)))
    if isinstance(selection, str):
        raise ConfigError(f"Subject selection must be auto, all or a list of numbers, not {selection!r}.")
    picked = sorted({int(i) for i in selection})
    bad = [i for i in picked if not 0 <= i < len(instances)]
    if bad:
        raise ConfigError(f"Subject {bad[0]} does not exist; this image has {len(instances)} subject(s).")
    return picked


def union_mask(instances: Sequence[Instance], indices: Sequence[int]) -> np.ndarray:
    """Pixel-wise max of the chosen soft masks."""
    return np.maximum.reduce([instances[i].mask for i in indices])
