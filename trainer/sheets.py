"""Contact sheets: rows of thumbnails a person can look at, for the model card.

Means hide whole-subject failures; a sheet of the worst cases shows them. Every
harness (held-out composites, the real-photo judge) draws its sheets here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from stickerstudio_desktop.config.paths import bundled
from stickerstudio_desktop.files import atomic_path

CELL = 180  # cell side, pixels
GOOD, BAD = (0, 110, 0), (170, 0, 0)


def thumb(img: np.ndarray, side: int = CELL) -> np.ndarray:
    """*img* scaled to fit a *side* square (area-averaged)."""
    h, w = img.shape[:2]
    s = side / max(h, w)
    return cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)


def mask_thumb(mask: np.ndarray, side: int = CELL) -> np.ndarray:
    """A boolean or 8-bit mask as an 8-bit thumbnail."""
    return thumb(mask.astype(np.uint8) * 255 if mask.dtype == bool else mask, side)


def _checker(h: int, w: int) -> np.ndarray:
    yy, xx = np.indices((h, w))
    return np.where(((yy // 10 + xx // 10) % 2 == 0)[..., None], 235, 200).astype(np.uint8).repeat(3, 2)


def cell(rgb: np.ndarray, mask: np.ndarray | None = None, side: int = CELL) -> np.ndarray:
    """The thumbnail (cut out over a checkerboard when *mask* is given), centred in a *side* square."""
    h, w = rgb.shape[:2]
    out = np.full((side, side, 3), 250, np.uint8)
    tile = rgb
    if mask is not None:
        a = (mask.astype(np.float32) / 255)[..., None]
        tile = (rgb * a + _checker(h, w) * (1 - a)).astype(np.uint8)
    y, x = (side - h) // 2, (side - w) // 2
    out[y:y + h, x:x + w] = tile
    return out


def write_sheet(columns: Sequence[str], rows: Sequence[tuple[str, tuple[int, int, int], list[np.ndarray]]],
                out: Path) -> Path:
    """A PNG with a header of *columns* and one labelled row of cells per (label, colour, cells)."""
    pad, label_h, head_h = 8, 22, 30
    width = len(columns) * (CELL + pad) + pad
    height = head_h + len(rows) * (label_h + CELL + pad) + pad
    sheet = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(bundled("fonts", "NotoSans-Bold.ttf")), 14)
    small = ImageFont.truetype(str(bundled("fonts", "NotoSans-Bold.ttf")), 12)
    for c, title in enumerate(columns):
        draw.text((pad + c * (CELL + pad), 8), title, fill=(20, 20, 20), font=font)
    for r, (label, colour, cells) in enumerate(rows):
        y = head_h + r * (label_h + CELL + pad)
        draw.text((pad, y + 3), label, fill=colour, font=small)
        for c, img in enumerate(cells):
            sheet.paste(Image.fromarray(img), (pad + c * (CELL + pad), y + label_h))
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        sheet.save(tmp, "PNG", optimize=True)
    return out
