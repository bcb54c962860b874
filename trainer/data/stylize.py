"""Turn photographs into cartoon/painting looks.

The classifier must learn style, not source: the same photos appear as
"normal" and, stylised here, as "animated". Each look is strong enough that
a person would call the result a drawing.
"""

from __future__ import annotations

import cv2
import numpy as np

LOOKS = ("stylization", "quantize", "posterize", "sketch")


def _kmeans_quantize(rgb: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    pixels = rgb.reshape(-1, 3).astype(np.float32)
    sample = pixels[rng.choice(len(pixels), min(len(pixels), 6000), replace=False)]
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    _, _, centers = cv2.kmeans(sample, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    d = ((pixels[:, None, :] - centers[None]) ** 2).sum(-1)
    return centers[d.argmin(1)].reshape(rgb.shape).astype(np.uint8)


def _edges(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dark outline mask (True where an ink line goes)."""
    gray = cv2.medianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), 5)
    block = int(rng.choice([7, 9, 11]))
    lines = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block,
                                  float(rng.uniform(3, 7)))
    return lines == 0


def cartoonize(rgb: np.ndarray, rng: np.random.Generator, look: str | None = None) -> np.ndarray:
    """A drawn-looking version of an RGB uint8 image (same size)."""
    look = look or str(rng.choice(LOOKS, p=[0.25, 0.35, 0.25, 0.15]))
    rgb = np.ascontiguousarray(rgb[..., :3])
    if look == "stylization":
        out = cv2.stylization(rgb, sigma_s=float(rng.uniform(60, 150)), sigma_r=float(rng.uniform(0.35, 0.6)))
        out = _kmeans_quantize(out, int(rng.integers(10, 20)), rng)
    elif look == "quantize":
        smooth = cv2.edgePreservingFilter(rgb, flags=cv2.RECURS_FILTER, sigma_s=float(rng.uniform(40, 90)),
                                          sigma_r=float(rng.uniform(0.3, 0.5)))
        out = _kmeans_quantize(smooth, int(rng.integers(5, 12)), rng)
        out[_edges(rgb, rng)] = 0
    elif look == "posterize":
        smooth = rgb
        for _ in range(int(rng.integers(3, 6))):
            smooth = cv2.bilateralFilter(smooth, 9, 60, 9)
        levels = int(rng.integers(3, 6))
        step = 256 // levels
        out = (smooth // step * step + step // 2).astype(np.uint8)
        edges = cv2.Canny(cv2.GaussianBlur(rgb, (5, 5), 0), 60, 140)
        edges = cv2.dilate(edges, np.ones((2, 2), np.uint8)) > 0
        out[edges] = (out[edges] * 0.15).astype(np.uint8)
    elif look == "sketch":
        _, colour = cv2.pencilSketch(rgb, sigma_s=float(rng.uniform(40, 80)), sigma_r=float(rng.uniform(0.05, 0.1)),
                                     shade_factor=float(rng.uniform(0.03, 0.06)))
        out = colour
    else:
        raise ValueError(f"unknown look {look!r}")
    return out


def cartoonize_rgba(rgba: np.ndarray, rng: np.random.Generator, look: str | None = None) -> np.ndarray:
    """Stylise a cut-out; the alpha is hardened a little, as drawn art has crisp edges."""
    flat = rgba[..., :3].copy()
    a = rgba[..., 3]
    # fill transparent pixels with the nearest colour so filters see no black halo
    if (a < 128).any():
        flat = cv2.inpaint(flat, (a < 128).astype(np.uint8), 3, cv2.INPAINT_TELEA)
    out = cartoonize(flat, rng, look)
    if look != "sketch" and rng.random() < 0.7:  # an ink outline around the subject
        ring = cv2.morphologyEx((a >= 128).astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > 0
        out[ring] = 0
    alpha = np.where(a >= 128, 255, 0).astype(np.uint8)
    alpha = cv2.GaussianBlur(alpha, (3, 3), 0)
    return np.dstack([out, alpha])
