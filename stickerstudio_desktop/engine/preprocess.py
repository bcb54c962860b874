"""Turn an RGB array into a model's input tensor, per its manifest contract."""

from __future__ import annotations

import cv2
import numpy as np

from .manifest import InputContract


def to_tensor(rgb: np.ndarray, contract: InputContract) -> np.ndarray:
    """Stretch-resize, scale, normalise, NCHW float32."""
    h, w = contract.size
    resized = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA if rgb.shape[0] > h else cv2.INTER_LINEAR)
    x = resized.astype(np.float32) * contract.scale
    x = (x - np.asarray(contract.mean, np.float32)) / np.asarray(contract.std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def letterbox(rgb: np.ndarray, size: tuple[int, int], fill: int = 114) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Resize keeping aspect into *size* (h, w), pad centred; returns (img, gain, (pad_x, pad_y))."""
    h, w = rgb.shape[:2]
    th, tw = size
    gain = min(th / h, tw / w)
    nh, nw = max(1, round(h * gain)), max(1, round(w * gain))
    resized = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA if gain < 1 else cv2.INTER_LINEAR)
    pad_y, pad_x = (th - nh) // 2, (tw - nw) // 2
    out = np.full((th, tw, 3), fill, np.uint8)
    out[pad_y:pad_y + nh, pad_x:pad_x + nw] = resized
    return out, gain, (pad_x, pad_y)
