"""Noto Color Emoji rendered with Pillow: OFL, real alpha, redistributable.

The font's bitmaps are 136 px tall at size 109 (the only size a CBDT font
offers without scaling); emoji the font lacks render empty and are skipped.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from stickerstudio_desktop.config.paths import bundled
from stickerstudio_desktop.errors import ConfigError

FONT = bundled("fonts", "NotoColorEmoji.ttf")
SIZE = 109
#: Pictographic blocks: faces, animals, food, objects, vehicles, symbols.
RANGES = ((0x1F300, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF), (0x1FA70, 0x1FAFF), (0x2600, 0x27BF))


@lru_cache(maxsize=2)
def _font(path: str) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, SIZE)
    except OSError:
        raise ConfigError(f"The emoji font {Path(path).name} is missing or unreadable.") from None


def render(codepoint: int, font: Path = FONT) -> np.ndarray | None:
    """RGBA uint8 cropped to the glyph, or None when the font has no colour glyph."""
    im = Image.new("RGBA", (SIZE * 2, SIZE * 2), (0, 0, 0, 0))
    ImageDraw.Draw(im).text((SIZE // 4, SIZE // 4), chr(codepoint), font=_font(str(font)), embedded_color=True)
    arr = np.asarray(im)
    alpha = arr[..., 3]
    ys, xs = np.nonzero(alpha > 8)
    if len(ys) < 200:
        return None
    crop = arr[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    colourful = crop[..., :3][crop[..., 3] > 128].std() > 12  # monochrome symbols are not emoji art
    return np.ascontiguousarray(crop) if colourful else None


@lru_cache(maxsize=1)
def codepoints(font: Path = FONT) -> tuple[int, ...]:
    """Every codepoint in RANGES that renders as a colourful glyph."""
    return tuple(cp for lo, hi in RANGES for cp in range(lo, hi + 1) if render(cp, font) is not None)
