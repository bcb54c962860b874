"""Clips with exact masks: a real subject (photo + its human mask) moving over a real background.

What the clip cut-out is judged on (benchmarks/bench_clips.py, tests/engine): each frame's
truth is the subject's own mask moved the same way, so mIoU and flicker are measured against
pixels, not guessed. Also writes frames as MP4 / GIF / WebP / APNG, the way users hand them in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import cv2
import numpy as np
from PIL import Image

from .scoring import iou


def moving_composite(subject: np.ndarray, mask: np.ndarray, background: np.ndarray, frames: int, *,
                     size: tuple[int, int] = (384, 288), scale: float = 0.6, travel: float = 0.25,
                     jitter: float = 0.0, seed: int = 0) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(RGB frames, 0/1 masks): the subject, scaled to *scale* of the frame height, drifting left to right.

    It travels *travel* of the frame width over the clip, bobbing gently, with *jitter* pixels of
    random shake per frame; the background pans slowly the other way, as a hand-held camera does.
    """
    w, h = size
    ys, xs = np.nonzero(mask >= 0.5)
    if ys.size == 0:
        raise ValueError("the mask is empty")
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop, alpha = subject[y0:y1, x0:x1], (mask[y0:y1, x0:x1] >= 0.5).astype(np.float32)
    k = scale * h / crop.shape[0]
    sw, sh = max(1, round(crop.shape[1] * k)), max(1, round(crop.shape[0] * k))
    crop = cv2.resize(crop, (sw, sh), interpolation=cv2.INTER_AREA)
    alpha = (cv2.resize(alpha, (sw, sh), interpolation=cv2.INTER_LINEAR) >= 0.5).astype(np.float32)
    bg = cv2.resize(background, (int(w * 1.2), int(h * 1.2)), interpolation=cv2.INTER_AREA)
    rng = np.random.default_rng(seed)
    out_rgb, out_mask = [], []
    for i in range(frames):
        p = i / max(1, frames - 1)
        bx = int((bg.shape[1] - w) * (1 - p))
        frame = bg[(bg.shape[0] - h) // 2:(bg.shape[0] - h) // 2 + h, bx:bx + w].astype(np.float32)
        cx = (0.5 - travel / 2 + travel * p) * w + rng.normal(0, jitter)
        cy = 0.55 * h + 0.03 * h * np.sin(2 * np.pi * p) + rng.normal(0, jitter)
        x, y = int(round(cx - sw / 2)), int(round(cy - sh / 2))
        truth = np.zeros((h, w), np.uint8)
        fx0, fy0, fx1, fy1 = max(0, x), max(0, y), min(w, x + sw), min(h, y + sh)
        a = alpha[fy0 - y:fy1 - y, fx0 - x:fx1 - x, None]
        frame[fy0:fy1, fx0:fx1] = a * crop[fy0 - y:fy1 - y, fx0 - x:fx1 - x] + (1 - a) * frame[fy0:fy1, fx0:fx1]
        truth[fy0:fy1, fx0:fx1] = a[..., 0] >= 0.5
        out_rgb.append(frame.clip(0, 255).astype(np.uint8))
        out_mask.append(truth)
    return out_rgb, out_mask


def camera_move(photo: Image.Image, frames: int = 30, zoom: float = 0.18) -> list[np.ndarray]:
    """A real photo filmed by a slow zoom (by *zoom*) and a drift right: the subject grows and slides."""
    w, h = photo.size
    out = []
    for i in range(frames):
        t = i / max(1, frames - 1)
        k = 1.0 - zoom * t
        cw, ch = w * k, h * k
        left, top = (w - cw) * (0.3 + 0.4 * t), (h - ch) * 0.5
        crop = photo.resize((w, h), Image.Resampling.BICUBIC, box=(left, top, left + cw, top + ch))
        out.append(np.asarray(crop.convert("RGB")))
    return out


def write_video(frames: Sequence[np.ndarray], path: Path, fps: int = 15, codec: str = "libx264") -> Path:
    """RGB frames → an MP4 / MOV / WebM (yuv420p, even sides), with PyAV."""
    import av

    h, w = frames[0].shape[:2]
    w, h = w - w % 2, h - h % 2
    with av.open(str(path), "w") as box:
        st = box.add_stream(codec, rate=fps)
        st.width, st.height, st.pix_fmt = w, h, "yuv420p"
        for rgb in frames:
            for packet in st.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:h, :w]), format="rgb24")):
                box.mux(packet)
        for packet in st.encode():
            box.mux(packet)
    return path


def write_animated_image(frames: Sequence[np.ndarray], path: Path, durations_ms: int | Sequence[int] = 80) -> Path:
    """RGB(A) frames → GIF / WebP / APNG by the suffix, with Pillow."""
    images = [Image.fromarray(f) for f in frames]
    fmt = {".gif": "GIF", ".webp": "WEBP", ".png": "PNG"}[path.suffix.lower()]
    extra = {"disposal": 2} if fmt == "GIF" else {"lossless": True} if fmt == "WEBP" else {}
    images[0].save(path, fmt, save_all=True, append_images=images[1:], duration=durations_ms, loop=0, **extra)
    return path


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of two masks in [0, 1] or 0/255 (half-way and up counts as subject)."""
    return iou(a >= (0.5 if a.max() <= 1 else 128), b >= (0.5 if b.max() <= 1 else 128))


def flicker(masks: Sequence[np.ndarray]) -> float:
    """Mean 1 − IoU between consecutive masks: how much the mask changes frame to frame."""
    if len(masks) < 2:
        return 0.0
    return float(np.mean([1 - mask_iou(masks[i], masks[i + 1]) for i in range(len(masks) - 1)]))
