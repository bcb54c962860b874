"""Temporally stable cut-outs of a clip, through the same Pipeline as a photo.

The subject is chosen once, on a key frame (the selection and the editor's clicks
apply there), then followed. The model runs on every KEY_EVERY-th frame only, with
the model the key frame chose (no classifier again): there each frame keeps the
instances that overlap the previous model mask moved by optical flow, blended with
that moved mask so edges do not flicker. The frames between take both neighbouring
model masks moved onto them, weighted by nearness, which costs a flow, not a model
run. One crop box (the union of all masks) keeps the sticker from jittering.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import cv2
import numpy as np
from PIL import Image

from .manifest import CASCADE
from .pipeline import SOURCE_ALPHA, Analysis, Pipeline
from .prompts import Click, apply_clicks
from .refine import refine
from .subjects import Selection, choose, union_mask
from .types import Instance

#: The model runs on every this-many-th frame from the key frame (and on the last one); the
#: frames between come from the two model masks around them. Tuned on bench_clips (realgt train):
#: 4 kept per-frame quality (6 clips: mIoU 0.783 every frame, 0.785 at 4) with 5 model runs in 16.
KEY_EVERY = 4
#: Mean grey change (0–255, at FLOW_SIDE) from the last model frame below which a frame due for
#: the model takes the moved mask instead (still footage); the change counts from that model
#: frame, so slow drift still brings the model back.
REUSE_DIFF = 3.0
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
    indices = choose(key.instances, selection, key.rgb.shape[:2])
    mask = union_mask(key.instances, indices) if indices else np.zeros(key.rgb.shape[:2], np.float32)
    if clicks:
        mask = apply_clicks(key.rgb, key.instances, mask, clicks)

    model = follow_model(pipeline, key, engine)

    def segment(i: int) -> list[Instance]:
        if key.engine == SOURCE_ALPHA:  # frames with their own transparency keep it
            return pipeline.analyse(frames[i], engine).instances
        return pipeline.segment_as(rgbs[i], model)

    greys = [_small_grey(rgb) for rgb in rgbs]
    masks: dict[int, np.ndarray] = {key_frame: mask.astype(np.float32)}
    runs = 1
    for order in (range(key_frame + 1, len(frames)), range(key_frame - 1, -1, -1)):
        runs += _track(segment, greys, key_frame, list(order), masks,
                       (lambda: progress(len(masks), len(frames))) if progress else None)
    cutouts = [Image.fromarray(refine(rgbs[i], masks[i], model_scale=max(rgbs[i].shape[:2]) / 320), "RGBA")
               for i in range(len(frames))]
    return TrackedClip(cutouts, union_box(cutouts), runs, key.engine)


def follow_model(pipeline: Pipeline, key: Analysis, engine: str) -> str:
    """The model the later frames run: the key frame's, except after an escalated cascade.

    Where ``auto``'s cascade found its fast model unsure on the key frame and ran the full one,
    the later frames run the fast model again: the subject moved from the frame before is the
    prior the fast model lacked on its own (bench_clips 4×20, realgt train: mIoU 0.712 → 0.742,
    time 0.376 → 0.245× U²-Net on every frame, flicker 0.185 → 0.206 against U²-Net's 0.222).
    An engine the user chose, or a drawing's own route, is kept.
    """
    cascade = pipeline.manifest.cascade
    if engine == "auto" and cascade and key.engine == cascade.full and pipeline.route(key.style) == CASCADE:
        return cascade.fast
    return key.engine


def _track(segment: Callable[[int], list[Instance]], greys: Sequence[np.ndarray], start: int,
           order: Sequence[int], masks: dict[int, np.ndarray], tick: Callable[[], None] | None) -> int:
    """Masks of the frames *order* (walking away from *start*, whose mask is in *masks*); model runs.

    Each frame first takes the previous one's mask moved onto it; a frame due for the model
    corrects that with its own instances, then the frames since the last model frame (*between*)
    are blended with this model mask moved back onto them, so no frame is only extrapolated.
    """
    prev_i, last_grey, runs, between = start, greys[start], 0, []
    for n, i in enumerate(order):
        moved = _warp(masks[prev_i], greys[prev_i], greys[i])
        due = len(between) + 1 >= KEY_EVERY or n == len(order) - 1
        if due and float(np.abs(greys[i] - last_grey).mean()) >= REUSE_DIFF:
            found = _follow(segment(i), moved)
            kept = float(((found >= 0.5) & (moved >= 0.5)).sum())
            if kept < LOST_SHARE * float((moved >= 0.5).sum()):
                found = moved
            masks[i] = (BLEND * found + (1 - BLEND) * moved).astype(np.float32)
            _blend_back(masks, greys, between, i)
            last_grey, runs, between = greys[i], runs + 1, []
        else:
            masks[i] = moved
            between.append(i)
        prev_i = i
        if tick:
            tick()
    return runs


def _blend_back(masks: dict[int, np.ndarray], greys: Sequence[np.ndarray], between: Sequence[int], end: int) -> None:
    """Blend each frame of *between* (their masks moved forward from the model frame before them)
    with the model mask of *end* moved back onto it, the nearer model frame weighing more."""
    back, nxt = masks[end], end
    for k in range(len(between) - 1, -1, -1):
        i = between[k]
        back = _warp(back, greys[nxt], greys[i])
        w = (k + 1) / (len(between) + 1)  # share of the way from the earlier model frame to *end*
        masks[i] = ((1 - w) * masks[i] + w * back).astype(np.float32)
        nxt = i


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
