"""Temporally stable cut-outs of a clip, through the same Pipeline as a photo.

The subject is chosen once, on a key frame (the selection and the editor's clicks
apply there), then followed: each later frame keeps the instances that overlap the
previous mask moved by optical flow, and its mask is blended with that moved mask
so edges do not flicker. A frame that barely changed skips the model and takes the
moved mask. One crop box (the union of all masks) keeps the sticker from jittering.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import cv2
import numpy as np
from PIL import Image

from .names import ENGINES
from .pipeline import Pipeline
from .prompts import Click, apply_clicks
from .refine import refine
from .subjects import Selection, choose, union_mask
from .types import Instance

#: Mean grey change (0–255, at FLOW_SIDE) below which a frame reuses the moved mask, no model.
REUSE_DIFF = 3.0
#: At most this many frames in a row go without the model, so drift cannot build up.
MAX_PROPAGATE = 2
#: Weight of this frame's own mask against the previous mask moved onto it.
BLEND = 0.6
#: Optical flow and change detection work at this longest side.
FLOW_SIDE = 160
#: An instance follows the subject when this share of it lies inside the moved previous mask...
FOLLOW_SHARE = 0.5
#: ...or when it covers this share of that mask (the subject's instance grew, e.g. on a zoom).
COVER_SHARE = 0.5
#: A frame whose followed mask keeps less than this share of the moved previous mask lost the
#: subject (the model split it, or picked a fragment): it takes the moved mask instead. 0.5
#: fixed the zoomed cat but lost a fast DAVIS dancer (bench_clips davis_072 0.53 → 0.24); 0.2
#: keeps both.
LOST_SHARE = 0.2
#: A frame's mask may reach at most this share of the image diagonal beyond the moved previous
#: mask: a background object that touches the subject for a moment does not join it.
REACH = 0.03
#: Alpha that counts as part of the sticker for the crop box (compose's VISIBLE_ALPHA).
BOX_ALPHA = 16


@dataclass
class TrackedClip:
    cutouts: list[Image.Image]  # RGBA per frame, the frames' size
    box: tuple[int, int, int, int] | None  # union crop box of all frames, None when empty
    model_runs: int  # frames the segmentation model ran on
    engine: str


def track_clip(pipeline: Pipeline, frames: Sequence[Image.Image], engine: str = "auto",
               selection: Selection = "auto", clicks: Sequence[Click] = (), key_frame: int = 0,
               progress: Callable[[int, int], None] | None = None) -> TrackedClip:
    """Cut the subject out of every frame; *clicks* are in the key frame's pixels."""
    rgbs = [np.asarray(f.convert("RGB")) for f in frames]
    key = pipeline.analyse(frames[key_frame], engine)
    follow = key.engine if key.engine in ENGINES else engine  # source-alpha frames keep their own alpha
    indices = choose(key.instances, selection, key.rgb.shape[:2])
    mask = union_mask(key.instances, indices) if indices else np.zeros(key.rgb.shape[:2], np.float32)
    if clicks:
        mask = apply_clicks(key.rgb, key.instances, mask, clicks)
    masks: dict[int, np.ndarray] = {key_frame: mask}
    runs = 1
    for order in (range(key_frame + 1, len(frames)), range(key_frame - 1, -1, -1)):
        prev_i, prev, since, last_model = key_frame, mask, 0, _small_grey(rgbs[key_frame])
        for i in order:
            grey = _small_grey(rgbs[i])
            moved = _warp(prev, _small_grey(rgbs[prev_i]), grey)
            if since < MAX_PROPAGATE and float(np.abs(grey - last_model).mean()) < REUSE_DIFF:
                now, since = moved, since + 1
            else:
                found = _follow(pipeline.analyse(frames[i], follow).instances, moved)
                kept = float(((found >= 0.5) & (moved >= 0.5)).sum())
                if kept < LOST_SHARE * float((moved >= 0.5).sum()):
                    found = moved
                now = BLEND * found + (1 - BLEND) * moved
                since, last_model, runs = 0, grey, runs + 1
            masks[i], prev_i, prev = now.astype(np.float32), i, now
            if progress:
                progress(len(masks), len(frames))
    cutouts = [Image.fromarray(refine(rgbs[i], masks[i], model_scale=max(rgbs[i].shape[:2]) / 320), "RGBA")
               for i in range(len(frames))]
    return TrackedClip(cutouts, union_box(cutouts), runs, key.engine)


def union_box(cutouts: Sequence[Image.Image]) -> tuple[int, int, int, int] | None:
    """The smallest box holding the visible subject of every frame."""
    boxes = [c.getchannel("A").point(lambda v: 255 if v >= BOX_ALPHA else 0).getbbox() for c in cutouts]
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _follow(instances: Sequence[Instance], moved: np.ndarray) -> np.ndarray:
    """The union of the instances that lie mostly inside *moved*; the best-overlapping one otherwise."""
    if not instances:
        return np.zeros_like(moved)
    inside = moved >= 0.5
    overlap = [float((inst.mask >= 0.5)[inside].sum()) for inst in instances]
    shares = [o / max(1, inst.area) for o, inst in zip(overlap, instances)]
    covers = [o / max(1.0, float(inside.sum())) for o in overlap]
    picked = [j for j in range(len(instances)) if shares[j] >= FOLLOW_SHARE or covers[j] >= COVER_SHARE] or \
        ([int(np.argmax(shares))] if max(shares) > 0 else [])
    if not picked:
        return np.zeros_like(moved)
    r = max(1, round(REACH * float(np.hypot(*moved.shape))))
    near = cv2.dilate(inside.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    return union_mask(instances, picked) * near.astype(np.float32)


def _small_grey(rgb: np.ndarray) -> np.ndarray:
    s = FLOW_SIDE / max(rgb.shape[:2])
    size = (max(1, round(rgb.shape[1] * s)), max(1, round(rgb.shape[0] * s)))
    return cv2.cvtColor(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY).astype(np.float32)


def _warp(mask: np.ndarray, prev_grey: np.ndarray, grey: np.ndarray) -> np.ndarray:
    """*mask* (of the previous frame) moved onto this frame along the optical flow."""
    flow = cv2.calcOpticalFlowFarneback(grey.astype(np.uint8), prev_grey.astype(np.uint8), None,
                                        0.5, 3, 15, 3, 5, 1.2, 0)
    h, w = mask.shape
    sy, sx = h / grey.shape[0], w / grey.shape[1]
    flow = cv2.resize(flow, (w, h), interpolation=cv2.INTER_LINEAR)
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(mask, xx + flow[..., 0] * sx, yy + flow[..., 1] * sy, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)
