"""Small, strict image helpers shared by the data builders."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from stickerstudio_desktop.errors import ImageLoadError

Image.MAX_IMAGE_PIXELS = 64_000_000  # the 4096² wallpapers are fine; bombs are not


def load_rgba(path: Path, max_side: int = 512) -> np.ndarray:
    """RGBA uint8, trimmed to its alpha bounding box and capped at *max_side*."""
    try:
        with Image.open(path) as im:
            arr = np.asarray(im.convert("RGBA"))
    except (OSError, ValueError) as exc:
        raise ImageLoadError(f"{Path(path).name} is not a readable image ({exc}).") from None
    arr = trim_alpha(drop_specks(arr))
    return cap_side(arr, max_side)


def load_rgb(path: Path, max_side: int = 1024) -> np.ndarray:
    """RGB uint8 capped at *max_side*; JPEG/WebP are decoded at reduced size when possible."""
    try:
        with Image.open(path) as im:
            if im.format == "JPEG":
                im.draft("RGB", (max_side, max_side))
            arr = np.asarray(im.convert("RGB"))
    except (OSError, ValueError) as exc:
        raise ImageLoadError(f"{Path(path).name} is not a readable image ({exc}).") from None
    return cap_side(arr, max_side)


def cap_side(arr: np.ndarray, max_side: int) -> np.ndarray:
    h, w = arr.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1:
        return np.ascontiguousarray(arr)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    if arr.shape[-1] == 4:
        return resize_rgba(arr, size)
    return cv2.resize(arr, size, interpolation=cv2.INTER_AREA)


def trim_alpha(rgba: np.ndarray, threshold: int = 8) -> np.ndarray:
    """Crop to the pixels that are visibly opaque; empty images come back unchanged."""
    ys, xs = np.nonzero(rgba[..., 3] > threshold)
    if len(ys) == 0:
        return rgba
    return np.ascontiguousarray(rgba[ys.min():ys.max() + 1, xs.min():xs.max() + 1])


def drop_specks(rgba: np.ndarray, share: float = 0.01) -> np.ndarray:
    """Clear stray opaque islands smaller than *share* of the opaque area (cut-out leftovers)."""
    solid = (rgba[..., 3] > 8).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    if n <= 2:
        return rgba
    areas = stats[1:, cv2.CC_STAT_AREA]
    small = np.flatnonzero(areas < share * areas.sum()) + 1
    if small.size == 0:
        return rgba
    out = rgba.copy()
    out[np.isin(labels, small), 3] = 0
    return out


def premultiply(rgba: np.ndarray) -> np.ndarray:
    """float32 RGBA with colour multiplied by alpha, so resampling never bleeds black edges."""
    f = rgba.astype(np.float32)
    f[..., :3] *= f[..., 3:4] / 255.0
    return f


def unpremultiply(f: np.ndarray) -> np.ndarray:
    a = f[..., 3:4]
    rgb = np.where(a > 1e-3, f[..., :3] * 255.0 / np.maximum(a, 1e-3), 0.0)
    out = np.concatenate([rgb, a], axis=-1)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def resize_rgba(rgba: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize RGBA to (w, h) in premultiplied space."""
    w, h = size
    interp = cv2.INTER_AREA if w * h < rgba.shape[0] * rgba.shape[1] else cv2.INTER_LINEAR
    return unpremultiply(cv2.resize(premultiply(rgba), (w, h), interpolation=interp))


def flatten(rgba: np.ndarray, colour: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """RGBA onto a solid colour -> RGB."""
    a = rgba[..., 3:4].astype(np.float32) / 255.0
    out = rgba[..., :3].astype(np.float32) * a + np.asarray(colour, np.float32) * (1 - a)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
