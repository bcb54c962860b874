"""Paste cut-outs with real alpha onto backgrounds; keep exact instance masks.

The YOLO students and the style classifier are both trained from these.
Every geometric change (scale, rotation, flip, position) is applied to the
foreground's RGBA together, so each mask is exactly the pasted alpha
(≥ 0.5) minus what later subjects cover. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence, Union

import cv2
import numpy as np

from stickerstudio_desktop.errors import ConfigError

from .backgrounds import random_crop
from .imageio import premultiply, trim_alpha, unpremultiply

Background = Union[np.ndarray, Callable[[int, int, np.random.Generator], np.ndarray]]
STYLES = ("animated", "normal")


@dataclass(frozen=True)
class CompositeConfig:
    """Augmentation ranges; defaults suit both students and the classifier."""

    long_side: tuple[int, int] = (320, 768)
    aspects: tuple[float, ...] = (1.0, 4 / 3, 3 / 4, 3 / 2, 2 / 3, 16 / 9, 9 / 16)
    subjects: tuple[int, int] = (1, 3)  # inclusive
    scale: tuple[float, float] = (0.35, 0.85)  # subject long side / canvas short side (one subject)
    rotation: float = 25.0  # max degrees either way
    flip: float = 0.5
    colour: float = 0.12  # brightness/contrast/saturation jitter strength
    background_blur: float = 0.25  # probability
    shadow: float = 0.3  # probability of a soft drop shadow
    outline: float = 0.0  # probability of a white sticker outline (part of the mask)
    max_overlap: float = 0.35  # IoU limit between new and earlier subjects
    min_visible: float = 0.6  # earlier subjects must keep this share of their area
    noise: float = 0.2  # probability of sensor-like noise on the final image
    tries: int = 12

    def __post_init__(self) -> None:
        if not (0 < self.scale[0] <= self.scale[1] <= 1.5) or self.subjects[0] < 1 \
                or self.subjects[1] < self.subjects[0] or self.long_side[0] < 32:
            raise ConfigError("CompositeConfig has an impossible range (scale, subjects or canvas size).")


@dataclass
class Composite:
    image: np.ndarray  # H×W×3 uint8
    masks: list[np.ndarray] = field(default_factory=list)  # H×W bool, one per visible subject
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # x1, y1, x2, y2 (exclusive)
    style: str = "normal"
    sources: tuple[str, ...] = ()


def canvas_size(rng: np.random.Generator, config: CompositeConfig) -> tuple[int, int]:
    """(h, w) with a random long side and aspect ratio."""
    long_side = int(rng.integers(config.long_side[0], config.long_side[1] + 1))
    aspect = float(rng.choice(config.aspects))
    if aspect >= 1:
        return max(32, round(long_side / aspect)), long_side
    return long_side, max(32, round(long_side * aspect))


def _jitter_colour(rgba: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    if strength <= 0:
        return rgba
    rgb = rgba[..., :3].astype(np.float32)
    gain = 1 + rng.uniform(-strength, strength)
    bias = rng.uniform(-strength, strength) * 80
    mean = rgb.mean()
    rgb = (rgb - mean) * (1 + rng.uniform(-strength, strength)) + mean * gain + bias
    gray = rgb.mean(axis=-1, keepdims=True)
    rgb = gray + (rgb - gray) * (1 + rng.uniform(-2 * strength, 2 * strength))
    return np.dstack([np.clip(rgb, 0, 255).astype(np.uint8), rgba[..., 3]])


def _add_outline(rgba: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """White die-cut border, as on a printed sticker."""
    width = max(2, int(max(rgba.shape[:2]) * rng.uniform(0.02, 0.05)))
    pad = np.pad(rgba, ((width, width), (width, width), (0, 0)))
    grown = cv2.dilate((pad[..., 3] >= 128).astype(np.uint8), cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1)))
    grown = cv2.GaussianBlur(grown * 255, (3, 3), 0).astype(np.float32) / 255
    a = pad[..., 3:4].astype(np.float32) / 255
    rgb = pad[..., :3].astype(np.float32) * a + 255 * (1 - a)
    alpha = np.maximum(grown, a[..., 0])
    return np.dstack([np.clip(rgb, 0, 255).astype(np.uint8), (alpha * 255).astype(np.uint8)])


def transform(rgba: np.ndarray, long_side: int, angle: float, flip: bool) -> np.ndarray:
    """Scale to *long_side*, rotate by *angle* degrees (canvas grows to fit), optionally mirror."""
    rgba = trim_alpha(rgba)
    h, w = rgba.shape[:2]
    s = long_side / max(h, w)
    pm = premultiply(rgba)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    pm = cv2.resize(pm, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    if flip:
        pm = pm[:, ::-1]
    if abs(angle) > 0.5:
        m = cv2.getRotationMatrix2D((nw / 2, nh / 2), angle, 1.0)
        cos, sin = abs(m[0, 0]), abs(m[0, 1])
        bw, bh = int(nh * sin + nw * cos + 2), int(nh * cos + nw * sin + 2)
        m[0, 2] += bw / 2 - nw / 2
        m[1, 2] += bh / 2 - nh / 2
        pm = cv2.warpAffine(np.ascontiguousarray(pm), m, (bw, bh), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))
    return trim_alpha(unpremultiply(np.ascontiguousarray(pm)))


def _resolve_background(background: Background, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    if callable(background):
        bg = background(h, w, rng)
    else:
        bg = np.asarray(background)
        if bg.ndim not in (2, 3) or bg.dtype != np.uint8:
            raise ConfigError("A background must be an H×W×3 uint8 image or a function that makes one.")
        bg = random_crop(bg, h, w, rng) if bg.shape[:2] != (h, w) else bg[..., :3]
    if bg.shape[:2] != (h, w):
        raise ConfigError("The background function returned an image of the wrong size.")
    return np.ascontiguousarray(bg[..., :3]).astype(np.float32)


def _paste_window(h: int, w: int, fh: int, fw: int, x: int, y: int):
    """Slices of canvas and foreground for a paste at (x, y), clipped to the canvas."""
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + fw), min(h, y + fh)
    if x1 <= x0 or y1 <= y0:
        return None
    return (slice(y0, y1), slice(x0, x1)), (slice(y0 - y, y1 - y), slice(x0 - x, x1 - x))


def compose(foregrounds: Sequence[np.ndarray], background: Background, rng: np.random.Generator,
            config: CompositeConfig = CompositeConfig(), style: str = "normal",
            sources: Sequence[str] = ()) -> Composite:
    """Paste each RGBA foreground (in order, later ones on top) onto a new canvas.

    *background* is an image (randomly cropped to the canvas) or a function
    ``(h, w, rng) -> H×W×3``. Subjects that cannot be placed within the
    overlap limits are left out; the result lists only visible ones.
    """
    if style not in STYLES:
        raise ConfigError(f"Style must be one of {', '.join(STYLES)}, not {style!r}.")
    if not foregrounds:
        raise ConfigError("A composite needs at least one foreground.")
    for fg in foregrounds:
        if fg.ndim != 3 or fg.shape[2] != 4 or fg.dtype != np.uint8 or not (fg[..., 3] > 127).any():
            raise ConfigError("Each foreground must be an RGBA uint8 image with some opaque pixels.")
    h, w = canvas_size(rng, config)
    canvas = _resolve_background(background, h, w, rng)
    if rng.random() < config.background_blur:
        canvas = cv2.GaussianBlur(canvas, (0, 0), float(rng.uniform(1.0, 4.0)))
    n = len(foregrounds)
    short = min(h, w)
    owner = np.full((h, w), -1, np.int16)  # which subject is visible at each pixel
    areas: list[int] = []
    used: list[str] = []
    for i, fg in enumerate(foregrounds):
        placed = None
        for _ in range(config.tries):
            side = short * rng.uniform(*config.scale) / np.sqrt(n) ** 0.8
            piece = transform(fg, max(8, int(side)), float(rng.uniform(-config.rotation, config.rotation)),
                              bool(rng.random() < config.flip))
            if rng.random() < config.outline:
                piece = _add_outline(piece, rng)
            piece = _jitter_colour(piece, rng, config.colour)
            fh, fw = piece.shape[:2]
            # centre anywhere that keeps ≥ 85 % of the subject on the canvas
            x = int(rng.uniform(-0.15 * fw, w - 0.85 * fw)) if w > 0.7 * fw else int((w - fw) / 2)
            y = int(rng.uniform(-0.15 * fh, h - 0.85 * fh)) if h > 0.7 * fh else int((h - fh) / 2)
            win = _paste_window(h, w, fh, fw, x, y)
            if win is None:
                continue
            (cy, cx), (py, px) = win
            solid = piece[py, px, 3] >= 128
            if solid.sum() < 64:
                continue
            region = owner[cy, cx]
            if _acceptable(region, solid, areas, owner, config):
                placed = (piece, cy, cx, py, px, solid)
                break
        if placed is None:
            continue
        piece, cy, cx, py, px, solid = placed
        a = piece[py, px, 3:4].astype(np.float32) / 255
        if rng.random() < config.shadow:
            _drop_shadow(canvas, piece, cy, cx, py, px, rng)
        canvas[cy, cx] = piece[py, px, :3].astype(np.float32) * a + canvas[cy, cx] * (1 - a)
        owner[cy, cx][solid] = len(areas)
        areas.append(int(solid.sum()))
        if i < len(sources):
            used.append(sources[i])
    if rng.random() < config.noise:
        canvas += rng.normal(0, rng.uniform(2, 6), canvas.shape).astype(np.float32)
    image = np.clip(canvas + 0.5, 0, 255).astype(np.uint8)
    result = Composite(image=image, style=style, sources=tuple(used))
    for k in range(len(areas)):
        mask = owner == k
        if mask.sum() < 32:
            continue
        ys, xs = np.nonzero(mask)
        result.masks.append(mask)
        result.boxes.append((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
    return result


def _acceptable(region: np.ndarray, solid: np.ndarray, areas: list[int], owner: np.ndarray,
                config: CompositeConfig) -> bool:
    """New subject overlaps little, and every earlier one stays mostly visible."""
    if not areas:
        return True
    covered = region[solid]
    covered = covered[covered >= 0]
    if covered.size == 0:
        return True
    counts = np.bincount(covered, minlength=len(areas))
    for k, lost in enumerate(counts):
        if lost == 0:
            continue
        remaining = int((owner == k).sum()) - int(lost)
        if remaining < config.min_visible * areas[k]:
            return False
        iou = lost / (areas[k] + solid.sum() - lost)
        if iou > config.max_overlap:
            return False
    return True


def _drop_shadow(canvas: np.ndarray, piece: np.ndarray, cy, cx, py, px, rng: np.random.Generator) -> None:
    """Darken the canvas under an offset, blurred copy of the alpha (not part of any mask)."""
    a = piece[..., 3].astype(np.float32) / 255
    k = max(3, int(max(piece.shape[:2]) * 0.04)) | 1
    soft = cv2.GaussianBlur(a, (k, k), 0)
    dx, dy = int(rng.integers(-k, k + 1)), int(rng.integers(0, k + 1))
    shifted = np.roll(np.roll(soft, dy, axis=0), dx, axis=1)
    strength = float(rng.uniform(0.2, 0.5))
    canvas[cy, cx] *= 1 - strength * shifted[py, px, None]
