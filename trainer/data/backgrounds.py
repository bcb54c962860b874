"""Canvas backgrounds: synthetic (flat, gradient, soft noise), crops and tilings."""

from __future__ import annotations

import cv2
import numpy as np


def random_colour(rng: np.random.Generator, light_bias: float = 0.5) -> np.ndarray:
    """An RGB colour; with probability *light_bias* a pale one (white-ish studio/sticker paper)."""
    if rng.random() < light_bias:
        return rng.integers(200, 256, 3).astype(np.float32)
    return rng.integers(0, 256, 3).astype(np.float32)


def flat(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    return np.broadcast_to(random_colour(rng).astype(np.uint8), (h, w, 3)).copy()


def gradient(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Linear or radial blend between two colours."""
    c0, c1 = random_colour(rng), random_colour(rng, 0.3)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if rng.random() < 0.5:
        angle = rng.uniform(0, 2 * np.pi)
        t = (xx * np.cos(angle) + yy * np.sin(angle))
    else:
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        t = np.hypot(xx - cx, yy - cy)
    t = (t - t.min()) / max(float(np.ptp(t)), 1e-6)
    out = c0 * (1 - t[..., None]) + c1 * t[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def soft_noise(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Low-frequency, muted colour blobs (bokeh-like); used for both styles so neither owns it."""
    cells = int(rng.integers(2, 6))
    base = random_colour(rng, 0.3)
    small = np.clip(base + rng.normal(0, 40, (cells, cells, 3)), 0, 255).astype(np.uint8)
    mid = cv2.GaussianBlur(cv2.resize(small, (64, 64), interpolation=cv2.INTER_CUBIC), (0, 0), 5)
    return cv2.resize(mid, (w, h), interpolation=cv2.INTER_CUBIC)


SYNTHETIC = (flat, gradient, soft_noise)


def synthetic(h: int, w: int, rng: np.random.Generator, weights: tuple[float, float, float] = (0.45, 0.43, 0.12)
              ) -> np.ndarray:
    kind = SYNTHETIC[int(rng.choice(len(SYNTHETIC), p=np.asarray(weights) / sum(weights)))]
    return kind(h, w, rng)


def random_crop(img: np.ndarray, h: int, w: int, rng: np.random.Generator, min_scale: float = 0.35) -> np.ndarray:
    """A crop of *img* with the canvas's aspect ratio covering at least *min_scale* of its short side."""
    ih, iw = img.shape[:2]
    aspect = w / h
    max_ch = min(ih, iw / aspect)
    ch = max_ch * rng.uniform(min_scale, 1.0)
    cw = ch * aspect
    y0 = rng.uniform(0, ih - ch)
    x0 = rng.uniform(0, iw - cw)
    crop = img[int(y0):int(y0 + ch), int(x0):int(x0 + cw)]
    if crop.ndim == 2:
        crop = np.repeat(crop[..., None], 3, axis=2)
    interp = cv2.INTER_AREA if crop.shape[0] > h else cv2.INTER_LINEAR
    out = cv2.resize(np.ascontiguousarray(crop), (w, h), interpolation=interp)
    return out[..., :3]


def tiled(tile_rgba: np.ndarray, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Repeat a sprite tile over a flat sky colour (a game-level look)."""
    side = int(rng.integers(max(16, min(h, w) // 10), max(24, min(h, w) // 3)))
    tile = cv2.resize(tile_rgba, (side, side), interpolation=cv2.INTER_NEAREST)
    reps = (h // side + 1, w // side + 1, 1)
    big = np.tile(tile, reps)[:h, :w]
    sky = flat(h, w, rng).astype(np.float32)
    a = big[..., 3:4].astype(np.float32) / 255
    return np.clip(big[..., :3] * a + sky * (1 - a), 0, 255).astype(np.uint8)
