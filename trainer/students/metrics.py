"""Segmentation metrics the student harness reports beside IoU: boundary F, p50, mean."""

from __future__ import annotations

import math
from typing import Sequence

import cv2
import numpy as np

#: Boundary pixels match when within max(2 px, 0.5 % of the image diagonal), at the image's own resolution.
BOUNDARY_MIN_PX, BOUNDARY_FRACTION = 2, 0.005
BOUNDARY_RULE = "max(2 px, 0.5 % of the image diagonal) at the image's own resolution"


def boundary_tolerance(shape: tuple[int, ...]) -> int:
    return max(BOUNDARY_MIN_PX, round(BOUNDARY_FRACTION * math.hypot(shape[0], shape[1])))


def _boundary(mask: np.ndarray) -> np.ndarray:
    """Inner contour pixels; the image frame is not a contour (replicated border)."""
    m = mask.astype(np.uint8)
    return (m - cv2.erode(m, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE)) > 0


def boundary_f_score(pred: np.ndarray, truth: np.ndarray, tolerance: int | None = None) -> float:
    """F-measure of contour pixels matched within *tolerance* px (default: ``boundary_tolerance``)."""
    if pred.shape != truth.shape:
        raise ValueError(f"mask shapes differ: {pred.shape} vs {truth.shape}")
    pb, tb = _boundary(pred), _boundary(truth)
    if not pb.any() or not tb.any():
        # No contour on one side: only agreement on "empty" vs "everything" counts.
        return float(not pb.any() and not tb.any() and bool(pred.any()) == bool(truth.any()))
    tol = boundary_tolerance(truth.shape) if tolerance is None else tolerance
    to_truth = cv2.distanceTransform((~tb).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    to_pred = cv2.distanceTransform((~pb).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    precision = float((to_truth[pb] <= tol).mean())
    recall = float((to_pred[tb] <= tol).mean())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def p50(values: Sequence[float]) -> float | None:
    return round(float(np.median(values)), 2) if len(values) else None


def mean(values: Sequence[float]) -> float | None:
    return round(float(np.mean(values)), 4) if len(values) else None
