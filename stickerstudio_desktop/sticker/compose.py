"""Cut-out → square sticker: crop, die-cut white outline, shadow, caption.

The work that depends on the cut-out (crop, resize, outline, shadow) lives in
a ``Base`` that is built once; ``add_caption`` only draws text on a copy, so
typing a caption re-renders text and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Literal

import cv2
import numpy as np
from PIL import Image

from ..errors import ConfigError, ExportError
from .caption import clean_caption, parse_colour, render_caption
from .fonts import DEFAULT_FONT, resolve_font

#: Sizes are designed at this side and scaled with the working size.
REFERENCE_SIDE = 512
MIN_SIDE, MAX_SIDE, MAX_AUTO_SIDE = 64, 4096, 2048
MAX_OUTLINE_PX = 64
#: Alpha (0-255) from which a pixel is visible (crop) and solid (outline).
VISIBLE_ALPHA = 16
SUBJECT_ALPHA = 128
DUST_ALPHA = 2.5 / 255
#: Share of the canvas height kept for the caption band.
CAPTION_SHARE = 0.25
#: Largest caption font size as a share of the canvas side.
CAPTION_MAX_FONT = 0.15
EDGE_MARGIN = 0.03  # empty border between everything and the canvas edge
SHADOW_OPACITY = 0.4
SHADOW_OFFSET = (0.008, 0.014)  # (x, y) share of the side
SHADOW_SIGMA = 0.012

Position = Literal["top", "bottom"]


@dataclass(frozen=True)
class StickerStyle:
    caption: str = ""
    font: str = DEFAULT_FONT
    text_color: str = "#FFFFFF"
    stroke_color: str = "#000000"
    position: Position = "bottom"
    outline_px: int = 8
    shadow: bool = False

    def validate(self) -> StickerStyle:
        """Raise ConfigError with one sentence for the first bad field."""
        clean_caption(self.caption)
        resolve_font(self.font)
        parse_colour(self.text_color)
        parse_colour(self.stroke_color)
        if self.position not in ("top", "bottom"):
            raise ConfigError(f"Caption position must be top or bottom, not {self.position!r}.")
        _check_outline(self.outline_px)
        return self

    @classmethod
    def from_settings(cls, settings, caption: str = "") -> StickerStyle:
        """Style from the user's saved defaults (config.settings.Settings)."""
        return cls(caption=caption, **{name: getattr(settings, name) for name in STYLE_DEFAULT_FIELDS})


#: Every field of a sticker's style, in declaration order.
STYLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(StickerStyle))
#: The style fields whose defaults live in Settings (all but the caption).
STYLE_DEFAULT_FIELDS: tuple[str, ...] = tuple(n for n in STYLE_FIELDS if n != "caption")


def _check_outline(outline_px: int) -> int:
    if isinstance(outline_px, bool) or not isinstance(outline_px, int) \
            or not 0 <= outline_px <= MAX_OUTLINE_PX:
        raise ConfigError(f"Outline width must be a whole number from 0 to {MAX_OUTLINE_PX} pixels.")
    return outline_px


@dataclass
class Base:
    """The cut-out cropped and scaled for one canvas side, with per-layout layers."""

    side: int
    outline_px: int
    shadow: bool
    subject: np.ndarray = field(repr=False)  # premultiplied RGBA float32 in [0, 1]
    _layers: dict[str | None, tuple[Image.Image, tuple[int, int, int, int]]] = field(
        default_factory=dict, repr=False)

    @property
    def outline_width(self) -> int:
        """Outline width in pixels at this canvas side."""
        return round(self.outline_px * self.side / REFERENCE_SIDE)

    def caption_band(self) -> int:
        return round(self.side * CAPTION_SHARE)

    def layer(self, band: str | None) -> Image.Image:
        """The outlined subject on the canvas, leaving room for a caption band.

        Treat it as read-only: it is cached and shared by every caption.
        """
        return self._layer(band)[0]

    def placement(self, band: str | None) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the cropped cut-out on that layer's canvas."""
        return self._layer(band)[1]

    def _layer(self, band: str | None):
        if band not in (None, "top", "bottom"):
            raise ConfigError(f"Caption position must be top or bottom, not {band!r}.")
        if band not in self._layers:
            top = self.caption_band() if band == "top" else 0
            bottom = self.side - (self.caption_band() if band == "bottom" else 0)
            self._layers[band] = _decal(self, top, bottom)
        return self._layers[band]


def build_base(cutout: Image.Image, outline_px: int = 8, shadow: bool = False,
               size: int | None = None, box: tuple[int, int, int, int] | None = None) -> Base:
    """Crop the cut-out to its subject and scale it for a *size*-pixel canvas.

    A clip passes one *box* for all its frames, so the sticker does not jitter.
    """
    _check_outline(outline_px)
    image = _as_rgba(cutout)
    if box is None:
        box = image.getchannel("A").point(lambda v: 255 if v >= VISIBLE_ALPHA else 0).getbbox()
    if box is None:
        raise ExportError("There is no subject to make a sticker from; the cut-out is empty.")
    crop = image.crop(box)
    side = _side(size, max(crop.size))
    # scale once to the largest box any layout uses (no caption band)
    fit = _fit_scale((crop.height, crop.width), side, side, _inset(side, outline_px, shadow))
    return Base(side=side, outline_px=outline_px, shadow=shadow, subject=_premultiplied(crop, fit))


def add_caption(base: Base, style: StickerStyle) -> Image.Image:
    """The finished sticker: base layer plus the caption, as a new image.

    Outline and shadow come from *base*; the style's caption, font, colours
    and position are used here.
    """
    style.validate()
    text = clean_caption(style.caption)
    if not text:
        return base.layer(None).copy()
    side, band = base.side, base.caption_band()
    edge = max(1, round(side * EDGE_MARGIN))
    caption = render_caption(text, style.font, fill=style.text_color, stroke=style.stroke_color,
                             max_width=side - 2 * edge, max_height=band - edge,
                             max_size=max(8, round(side * CAPTION_MAX_FONT)))
    image = base.layer(style.position).copy()
    if caption is None:
        return image
    x = (side - caption.width) // 2
    if style.position == "top":
        y = edge + (band - edge - caption.height) // 2
    else:
        y = side - band + (band - edge - caption.height) // 2
    image.alpha_composite(caption, (x, y))
    return image


def compose_sticker(cutout: Image.Image, style: StickerStyle, size: int | None = None) -> Image.Image:
    """Square RGBA sticker from an RGBA cut-out (subject opaque, background clear)."""
    style.validate()
    return add_caption(build_base(cutout, style.outline_px, style.shadow, size), style)


# --- helpers ---------------------------------------------------------------


def _as_rgba(cutout: Image.Image) -> Image.Image:
    if not isinstance(cutout, Image.Image):
        raise ExportError("A sticker needs a cut-out image.")
    if cutout.width < 1 or cutout.height < 1:
        raise ExportError("There is no subject to make a sticker from; the cut-out is empty.")
    return cutout if cutout.mode == "RGBA" else cutout.convert("RGBA")


def _side(size: int | None, longest: int) -> int:
    if size is None:
        return max(REFERENCE_SIDE, min(longest, MAX_AUTO_SIDE))
    if isinstance(size, bool) or not isinstance(size, int) or not MIN_SIDE <= size <= MAX_SIDE:
        raise ConfigError(f"Sticker size must be a whole number from {MIN_SIDE} to {MAX_SIDE} pixels.")
    return size


def _shadow_geometry(side: int) -> tuple[int, int, float]:
    return (round(side * SHADOW_OFFSET[0]), round(side * SHADOW_OFFSET[1]),
            max(0.5, side * SHADOW_SIGMA))


def _inset(side: int, outline_px: int, shadow: bool) -> int:
    """Room between the subject and its box edge: margin, outline, shadow."""
    inset = math.ceil(side * EDGE_MARGIN) + round(outline_px * side / REFERENCE_SIDE) + 1
    if shadow:
        dx, dy, sigma = _shadow_geometry(side)
        inset += max(dx, dy) + math.ceil(3 * sigma)
    return inset


def _fit_scale(shape: tuple[int, ...], box_w: int, box_h: int, inset: int) -> float:
    h, w = shape[:2]
    return min(max(1, box_w - 2 * inset) / w, max(1, box_h - 2 * inset) / h)


def _premultiplied(crop: Image.Image, scale: float) -> np.ndarray:
    """Premultiplied float RGBA at *scale*, so hidden background colour can't bleed in."""
    size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
    pm = crop.convert("RGBa")  # Pillow premultiplies and resizes in C, fast on 12 MP
    if size != crop.size:
        pm = pm.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.asarray(pm, dtype=np.float32) * np.float32(1 / 255)


def _decal(base: Base, top: int, bottom: int) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """Subject + white outline (+ shadow) centred in rows [top, bottom)."""
    side = base.side
    inset = _inset(side, base.outline_px, base.shadow)
    subject = base.subject
    scale = min(1.0, _fit_scale(subject.shape, side, bottom - top, inset))
    if scale < 1:
        subject = np.clip(cv2.resize(subject, (max(1, round(subject.shape[1] * scale)),
                                               max(1, round(subject.shape[0] * scale))),
                                     interpolation=cv2.INTER_AREA), 0, 1)
    h, w = subject.shape[:2]
    canvas = np.zeros((side, side, 4), np.float32)
    y, x = top + (bottom - top - h) // 2, (side - w) // 2
    canvas[y:y + h, x:x + w] = subject
    alpha = canvas[..., 3]
    radius = base.outline_width
    if radius > 0:
        ring = _outline(alpha, radius)
        under = ring * (1 - alpha)  # white shows where the subject is not opaque
        canvas[..., :3] += under[..., None]
        canvas[..., 3] = alpha + under
    if base.shadow:
        dx, dy, sigma = _shadow_geometry(side)
        shifted = np.zeros_like(alpha)
        shifted[dy:, dx:] = canvas[:side - dy, :side - dx, 3]
        shade = cv2.GaussianBlur(shifted, (0, 0), sigma) * SHADOW_OPACITY
        canvas[..., 3] += shade * (1 - canvas[..., 3])  # black: adds alpha, no colour
    # resampling ringing leaves alpha of 1-2/255 far from the subject: invisible,
    # but it costs bytes in every encoder, so clear it
    canvas[canvas[..., 3] < DUST_ALPHA] = 0
    return _to_image(canvas), (x, y, w, h)


def _outline(alpha: np.ndarray, radius: int) -> np.ndarray:
    """Anti-aliased coverage of the subject grown by *radius* (a round brush)."""
    solid = cv2.GaussianBlur(alpha, (0, 0), 0.7) >= SUBJECT_ALPHA / 255
    if not solid.any():  # a faint subject still gets its outline
        solid = alpha >= VISIBLE_ALPHA / 255
    # distance from each background pixel to the nearest subject pixel
    dist = cv2.distanceTransform((~solid).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_5)
    return np.clip(radius + 0.5 - dist, 0, 1)


def _to_image(canvas: np.ndarray) -> Image.Image:
    """Premultiplied float canvas → straight RGBA image (Pillow un-premultiplies)."""
    pm = cv2.convertScaleAbs(canvas, alpha=255.0)  # rounds and saturates to uint8
    h, w = pm.shape[:2]
    return Image.frombuffer("RGBa", (w, h), pm.tobytes(), "raw", "RGBa", 0, 1).convert("RGBA")
