"""Brush strokes on a cut-out: erase and restore, soft or hard, optionally snapped to the photo's edges.

A stroke touches exactly the pixels within half its size of its path; softness
fades the outer part of that band. The edge-aware brush floods the band from
the stroke's centre line and from just outside it (OpenCV's watershed on the
photo), so the painted region stops at the strongest edge in between: painting
along a subject with the centre on the background erases background and leaves
the subject. Restored pixels take the photo's own colour. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import cv2
import numpy as np

from ..errors import ConfigError

Mode = Literal["erase", "restore"]
MODES: tuple[str, ...] = ("erase", "restore")
#: Brush diameter limits in the image's pixels.
MIN_SIZE, MAX_SIZE = 1.0, 1000.0
#: Points one stroke may carry (a drag across a 2048-px photo and back many times over).
MAX_STROKE_POINTS = 20_000
#: Share of the radius around the centre line that seeds the edge-aware flood as "painted".
EDGE_CORE = 0.4
#: The photo is smoothed this much (pixels) before the flood, so texture does not stop it, edges do.
EDGE_SMOOTH_SIGMA = 1.5


@dataclass(frozen=True)
class Stroke:
    """One drag of the brush; *points* and *size* (diameter) in the image's own pixels."""

    mode: Mode
    points: tuple[tuple[float, float], ...]
    size: float = 24.0
    softness: float = 0.0  # 0 hard edge … 1 fades from the centre line
    edge_aware: bool = False

    def validate(self) -> Stroke:
        """One sentence for the first bad field."""
        if self.mode not in MODES:
            raise ConfigError(f"A brush stroke erases or restores, not {self.mode!r}.")
        if isinstance(self.size, bool) or not isinstance(self.size, (int, float)) \
                or not MIN_SIZE <= self.size <= MAX_SIZE:
            raise ConfigError(f"Brush size must be from {MIN_SIZE:g} to {MAX_SIZE:g} pixels.")
        if isinstance(self.softness, bool) or not isinstance(self.softness, (int, float)) \
                or not 0 <= self.softness <= 1:
            raise ConfigError("Brush softness must be from 0 to 1.")
        if not self.points:
            raise ConfigError("A brush stroke needs at least one point.")
        if len(self.points) > MAX_STROKE_POINTS:
            raise ConfigError(f"A brush stroke may have at most {MAX_STROKE_POINTS} points.")
        for p in self.points:
            if len(p) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                      and np.isfinite(v) for v in p):
                raise ConfigError("A brush stroke's points must be pairs of numbers.")
        return self

    def scaled(self, s: float) -> Stroke:
        """The same stroke on an image scaled by *s*."""
        return Stroke(self.mode, tuple((x * s, y * s) for x, y in self.points), self.size * s,
                      self.softness, self.edge_aware)


def coverage(rgb: np.ndarray, stroke: Stroke) -> np.ndarray:
    """How much (float32 H×W in [0, 1]) *stroke* paints each pixel of an image *rgb*."""
    h, w = rgb.shape[:2]
    out = np.zeros((h, w), np.float32)
    radius = stroke.size / 2
    pts = np.asarray(stroke.points, np.float64)
    pad = int(np.ceil(radius)) + 2
    x0, y0 = max(0, int(pts[:, 0].min()) - pad), max(0, int(pts[:, 1].min()) - pad)
    x1, y1 = min(w, int(pts[:, 0].max()) + pad + 1), min(h, int(pts[:, 1].max()) + pad + 1)
    if x0 >= x1 or y0 >= y1:
        return out
    dist = _distance_to_path(pts - (x0, y0), (y1 - y0, x1 - x0), radius + 2)
    inside = dist <= radius
    soft = stroke.softness * radius
    cov = np.where(inside, 1.0, 0.0).astype(np.float32)
    if soft > 0:
        cov = np.where(inside, np.clip((radius - dist) / soft, 0, 1), 0).astype(np.float32)
    if stroke.edge_aware and inside.any():
        cov *= _edge_region(rgb[y0:y1, x0:x1], dist, radius)
    out[y0:y1, x0:x1] = cov
    return out


def apply_strokes(rgb: np.ndarray, rgba: np.ndarray, strokes: Sequence[Stroke]) -> np.ndarray:
    """The cut-out *rgba* (uint8 H×W×4) with *strokes* painted on it in order; *rgb* is its photo.

    Each stroke lands in 8 bits before the next, so painting them one call at a time (as the
    editor does, stroke by stroke) gives the very pixels one call with all of them gives.
    """
    for stroke in strokes:
        rgba = _paint(rgb, rgba, stroke.validate())
    return rgba


def _paint(rgb: np.ndarray, rgba: np.ndarray, stroke: Stroke) -> np.ndarray:
    c = coverage(rgb, stroke)
    touched = c > 0
    out = rgba.copy()  # only painted pixels are rewritten: everything else stays byte for byte
    if not touched.any():
        return out
    c = c[touched][:, None]
    alpha = rgba[touched, 3:4].astype(np.float32) / 255
    premul = rgba[touched, :3].astype(np.float32) / 255 * alpha
    if stroke.mode == "erase":
        premul *= 1 - c
        alpha *= 1 - c
    else:  # towards the opaque photo: fully painted pixels are the photo's own
        premul += (rgb[touched].astype(np.float32) / 255 - premul) * c
        alpha += (1 - alpha) * c
    colour = np.clip(premul / np.maximum(alpha, 1e-6), 0, 1)
    out[touched, :3] = np.where(alpha > 0, np.round(colour * 255), 0).astype(np.uint8)
    out[touched, 3] = np.round(np.clip(alpha[:, 0], 0, 1) * 255).astype(np.uint8)
    return out


def _distance_to_path(pts: np.ndarray, shape: tuple[int, int], reach: float) -> np.ndarray:
    """Euclidean distance of every pixel centre to the polyline through *pts* (sub-pixel, exact) up to
    *reach*; farther pixels may read inf. Each segment is measured only in its own box, so a long drag
    of many short segments costs its length, not its count times the whole box."""
    h, w = shape
    best = np.full(shape, np.inf, np.float32)
    if len(pts) == 1:
        pts = np.vstack([pts, pts])
    for (ax, ay), (bx, by) in zip(pts[:-1], pts[1:]):
        x0, x1 = max(0, int(np.floor(min(ax, bx) - reach))), min(w, int(np.ceil(max(ax, bx) + reach)) + 1)
        y0, y1 = max(0, int(np.floor(min(ay, by) - reach))), min(h, int(np.ceil(max(ay, by) + reach)) + 1)
        if x0 >= x1 or y0 >= y1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = np.zeros(xx.shape, np.float32) if length2 == 0 else \
            np.clip(((xx - ax) * dx + (yy - ay) * dy) / length2, 0, 1)
        win = best[y0:y1, x0:x1]
        np.minimum(win, np.hypot(xx - (ax + t * dx), yy - (ay + t * dy)), out=win)
    return best


def _edge_region(rgb: np.ndarray, dist: np.ndarray, radius: float) -> np.ndarray:
    """1 where the flood from the stroke's centre line wins over the flood from outside its band."""
    markers = np.zeros(dist.shape, np.int32)
    markers[dist > radius + 1] = 2
    markers[dist <= max(0.5, EDGE_CORE * radius)] = 1
    if not (markers == 2).any():  # the band fills the crop: nothing outside to stop at
        return np.ones(dist.shape, np.float32)
    cv2.watershed(cv2.GaussianBlur(np.ascontiguousarray(rgb[..., ::-1]), (0, 0), EDGE_SMOOTH_SIGMA), markers)
    region = markers == 1
    # Watershed leaves its boundary pixels at -1; inside the band, count them with the painted side.
    return (region | ((markers == -1) & (dist <= radius) & _touches(region))).astype(np.float32)


def _touches(region: np.ndarray) -> np.ndarray:
    return cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
