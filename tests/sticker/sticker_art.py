"""Test art for the sticker tests: soft masks, noisy detail, pixel probes."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def soft_mask(size: tuple[int, int], blur: float = 4.0) -> Image.Image:
    """A head-and-shoulders silhouette with a soft edge, like a matting model gives."""
    w, h = size
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    draw.ellipse((w * 0.22, h * 0.06, w * 0.78, h * 0.70), fill=255)
    draw.rounded_rectangle((w * 0.08, h * 0.62, w * 0.92, h * 0.97), radius=w * 0.1, fill=255)
    return mask.filter(ImageFilter.GaussianBlur(blur))


def detailed_cutout(width: int, height: int, seed: int = 0, grain: int = 8) -> Image.Image:
    """Random colour noise in blocks of *grain* px: detail that survives a resize
    to sticker size, the worst case for every encoder."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (max(1, height // grain), max(1, width // grain), 3), dtype=np.uint8)
    rgb = Image.fromarray(small, "RGB").resize((width, height), Image.Resampling.NEAREST)
    rgb.putalpha(soft_mask((width, height), blur=max(2.0, width / 300)))
    return rgb


def subject_alpha_on_canvas(cutout: Image.Image, placement: tuple[int, int, int, int],
                            side: int) -> np.ndarray:
    """Where the cut-out's own alpha lands on the sticker canvas (float 0..1)."""
    alpha = cutout.getchannel("A")
    box = alpha.point(lambda v: 255 if v >= 16 else 0).getbbox()
    x, y, w, h = placement
    moved = alpha.crop(box).resize((w, h), Image.Resampling.LANCZOS)
    canvas = np.zeros((side, side), np.float32)
    canvas[y:y + h, x:x + w] = np.asarray(moved, np.float32) / 255
    return canvas


def border_is_clear(image: Image.Image, width: int = 1) -> bool:
    a = np.asarray(image.getchannel("A"))
    return not (a[:width].any() or a[-width:].any() or a[:, :width].any() or a[:, -width:].any())
