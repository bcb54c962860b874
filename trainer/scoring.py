"""How a cut-out is scored against a truth mask, for every harness and gate alike."""

from __future__ import annotations

import numpy as np

#: A pixel is part of a cut-out where its alpha is at least half.
SOLID = 128


def iou(pred: np.ndarray, truth: np.ndarray) -> float:
    """Intersection over union of two boolean masks; two empty masks agree perfectly."""
    union = np.logical_or(pred, truth).sum()
    if union == 0:
        return 1.0
    return float(np.logical_and(pred, truth).sum() / union)
