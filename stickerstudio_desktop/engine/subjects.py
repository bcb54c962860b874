"""Which detected instance(s) become the sticker."""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from ..errors import ConfigError
from .types import Instance

#: "auto" (most salient central subject), "all", or explicit indices.
Selection = Union[str, Sequence[int]]


def salience(inst: Instance, shape: tuple[int, int]) -> float:
    """Score × area share × centrality: big, confident, central wins."""
    h, w = shape
    x1, y1, x2, y2 = inst.box
    cx, cy = (x1 + x2) / 2 / w - 0.5, (y1 + y2) / 2 / h - 0.5
    centrality = 1.0 - min(1.0, np.hypot(cx, cy) / 0.7071)
    area = inst.area / float(h * w)
    return inst.score * np.sqrt(area) * (0.5 + 0.5 * centrality)


def choose(instances: Sequence[Instance], selection: Selection, shape: tuple[int, int]) -> list[int]:
    """Indices of the chosen instances; empty when there are none."""
    if not instances:
        return []
    if selection == "auto":
        return [int(np.argmax([salience(i, shape) for i in instances]))]
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
