"""Point prompts: clicks that fix what the automatic cut-out got wrong.

A click on a part adds it, a negative click removes the region under it. The
models' own instances are the first answer (a click on the hat adds the hat the
salient model already found); where no instance covers the click, GrabCut —
seeded by every click so far and the current mask — grows or shrinks the mask
along the photo's colours. Work happens at most at ``WORK_SIDE`` pixels, so a
click costs a fraction of a second on a laptop CPU. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from ..errors import ConfigError
from .types import Instance

#: Longest side GrabCut works at; the mask is scaled back and refined at full size afterwards.
WORK_SIDE = 320
#: A click seeds a disc of this share of the image diagonal as sure foreground / background.
SEED_RADIUS = 0.012
#: GrabCut may change the mask only this far from the click (share of the diagonal): a click is a
#: local fix, never a new cut-out of the whole photo.
REACH = 0.2
#: Around a positive click, this much (share of the diagonal) starts as probable foreground.
GROW = 0.05
GRABCUT_ITERATIONS = 3


@dataclass(frozen=True)
class Click:
    """A point in the image's own pixel coordinates; *positive* adds, otherwise removes."""

    x: float
    y: float
    positive: bool = True


def check_clicks(clicks: Sequence[Click], size: tuple[int, int]) -> None:
    """One sentence for the first click outside an image of *size* (w, h)."""
    w, h = size
    for c in clicks:
        if not (0 <= c.x < w and 0 <= c.y < h):
            raise ConfigError(f"The point {c.x:g},{c.y:g} is outside the image ({w}×{h} pixels).")


def apply_clicks(rgb: np.ndarray, instances: Sequence[Instance], mask: np.ndarray,
                 clicks: Sequence[Click]) -> np.ndarray:
    """The soft mask (float32 H×W in [0, 1]) after *clicks*, applied in order to *mask*."""
    check_clicks(clicks, (rgb.shape[1], rgb.shape[0]))
    mask = mask.astype(np.float32, copy=True)
    for i in range(len(clicks)):
        mask = _one(rgb, instances, mask, clicks[: i + 1])
    return mask


def _one(rgb: np.ndarray, instances: Sequence[Instance], mask: np.ndarray, clicks: Sequence[Click]) -> np.ndarray:
    click = clicks[-1]
    x, y = int(click.x), int(click.y)
    inside = mask[y, x] >= 0.5
    if click.positive and inside or not click.positive and not inside:
        return mask  # already right where the user pointed
    under = [inst for inst in instances if inst.mask[y, x] >= 0.5]
    if click.positive and under:
        return np.maximum(mask, np.maximum.reduce([inst.mask for inst in under]))
    if not click.positive:
        region = _component_at(mask >= 0.5, x, y)
        if region.sum() < 0.5 * (mask >= 0.5).sum():  # a separate piece: drop it whole
            return np.where(region, 0.0, mask).astype(np.float32)
    return _grabcut(rgb, mask, clicks)


def _component_at(binary: np.ndarray, x: int, y: int) -> np.ndarray:
    _, labels = cv2.connectedComponents(binary.astype(np.uint8), connectivity=8)
    return labels == labels[y, x]


def _grabcut(rgb: np.ndarray, mask: np.ndarray, clicks: Sequence[Click]) -> np.ndarray:
    """GrabCut from the current mask (probable labels) with every click as a sure seed."""
    h, w = mask.shape
    s = min(1.0, WORK_SIDE / max(h, w))
    size = (max(1, round(w * s)), max(1, round(h * s)))
    img = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if s < 1 else rgb
    small = cv2.resize(mask, size, interpolation=cv2.INTER_LINEAR) if s < 1 else mask
    # Only the neighbourhood of the click is open to change; elsewhere the current mask is sure.
    yy, xx = np.ogrid[: size[1], : size[0]]
    last = clicks[-1]
    dist2 = (yy - last.y * s) ** 2 + (xx - last.x * s) ** 2
    near = dist2 <= (REACH * np.hypot(*size)) ** 2
    # Around a positive click a small disc starts as probable foreground; the rest of the open
    # neighbourhood keeps the current mask as the probable answer.
    core = dist2 <= (GROW * np.hypot(*size)) ** 2
    open_label = np.where(core & last.positive, cv2.GC_PR_FGD, cv2.GC_PR_BGD)
    labels = np.where(small >= 0.5, np.where(near, cv2.GC_PR_FGD, cv2.GC_FGD),
                      np.where(near, open_label, cv2.GC_BGD)).astype(np.uint8)
    radius = max(2, round(SEED_RADIUS * np.hypot(*size)))
    for c in clicks:
        cv2.circle(labels, (int(c.x * s), int(c.y * s)), radius,
                   int(cv2.GC_FGD if c.positive else cv2.GC_BGD), -1)
    if not (labels % 2 == 1).any():  # no (probable) foreground left: nothing for GrabCut to find
        return mask
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    try:
        cv2.grabCut(np.ascontiguousarray(img[..., ::-1]), labels, None, bgd, fgd, GRABCUT_ITERATIONS,
                    cv2.GC_INIT_WITH_MASK)
    except cv2.error:  # GrabCut needs both labels present; with one, the mask stays
        return mask
    fg = np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)
    fg = cv2.resize(fg, (w, h), interpolation=cv2.INTER_LINEAR) if s < 1 else fg
    # Keep only the change that grows from the click: GrabCut's other flips are not what was asked.
    flipped = (fg >= 0.5) != (mask >= 0.5)
    seed = np.zeros((h, w), np.uint8)
    cv2.circle(seed, (int(last.x), int(last.y)), max(2, round(SEED_RADIUS * np.hypot(h, w))), 1, -1)
    _, comp = cv2.connectedComponents(flipped.astype(np.uint8), connectivity=8)
    keep = np.isin(comp, [k for k in np.unique(comp[(seed > 0) & flipped]) if k > 0])
    return np.where(keep, fg, mask).astype(np.float32)
