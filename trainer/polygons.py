"""Masks ↔ YOLO segmentation polygons, shared by every teacher.

YOLO labels are one polygon per instance, so a hole cannot be a second
ring: each hole (``RETR_CCOMP`` gives holes as children of their outer
contour) is stitched into its outer ring through a zero-width bridge at the
closest pair of points. ``cv2.fillPoly`` (what ultralytics rasterises
labels with) leaves such a bridged hole empty, so the label keeps its holes.
"""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

#: Polygon simplification tolerance as a share of the contour's perimeter.
EPSILON = 0.002


def _simplify(contour: np.ndarray) -> np.ndarray:
    eps = max(0.5, EPSILON * cv2.arcLength(contour, True))
    return cv2.approxPolyDP(contour, eps, True).reshape(-1, 2).astype(np.float64)


def _bridge(ring: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """*ring* with *hole* spliced in at their closest points (vectorised distance table)."""
    d = ((ring[:, None, :] - hole[None, :, :]) ** 2).sum(-1)
    i, j = np.unravel_index(int(d.argmin()), d.shape)
    hole_loop = np.concatenate([hole[j:], hole[:j + 1]])
    return np.concatenate([ring[:i + 1], hole_loop, ring[i:]])


def mask_to_polygons(mask: np.ndarray, *, min_area: float = 16.0, min_hole_area: float = 16.0
                     ) -> list[np.ndarray]:
    """Polygons (K×2 float pixel coordinates, x then y) of a binary mask's outer regions, holes bridged in."""
    binary = (np.asarray(mask) > 0).astype(np.uint8)
    if binary.ndim != 2 or not binary.any():
        return []
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    tree = hierarchy[0]  # [next, previous, first_child, parent]
    polygons = []
    for idx, contour in enumerate(contours):
        if tree[idx][3] != -1 or cv2.contourArea(contour) < min_area:
            continue
        ring = _simplify(contour)
        if len(ring) < 3:
            continue
        child = tree[idx][2]
        while child != -1:
            if cv2.contourArea(contours[child]) >= min_hole_area:
                hole = _simplify(contours[child])
                if len(hole) >= 3:
                    ring = _bridge(ring, hole)
            child = tree[child][0]
        polygons.append(ring)
    return polygons


def polygons_to_mask(polygons: Sequence[np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    """Rasterise like ultralytics does; instances are OR-ed so overlaps never cancel out."""
    out = np.zeros(shape, np.uint8)
    for poly in polygons:
        layer = np.zeros(shape, np.uint8)
        cv2.fillPoly(layer, [np.round(poly).astype(np.int32)], 1)
        out |= layer
    return out


def yolo_label(polygons: Sequence[np.ndarray], shape: tuple[int, int], class_id: int = 0) -> str:
    """One ``class x1 y1 x2 y2 …`` line per polygon, coordinates normalised to [0, 1]."""
    h, w = shape
    lines = []
    for poly in polygons:
        norm = np.clip(np.asarray(poly, np.float64) / np.array([w, h], np.float64), 0.0, 1.0)
        lines.append(f"{class_id} " + " ".join(f"{v:.6f}" for v in norm.reshape(-1)))
    return "\n".join(lines) + ("\n" if lines else "")


def parse_yolo_label(text: str, shape: tuple[int, int]) -> list[np.ndarray]:
    """Inverse of :func:`yolo_label` (pixel coordinates); malformed lines are ignored."""
    h, w = shape
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 7 or len(parts) % 2 == 0:
            continue
        try:
            pts = np.asarray([float(v) for v in parts[1:]], np.float64).reshape(-1, 2)
        except ValueError:
            continue
        out.append(pts * np.array([w, h], np.float64))
    return out
