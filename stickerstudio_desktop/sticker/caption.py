"""Caption rendering: fit text into a box, stroke it, draw colour emoji.

The result is cropped to its ink and scaled down if any glyph overhangs its
metrics (script fonts do), so whatever the caller asked for fits the box:
a caption can shrink but is never clipped.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ..config.settings import parse_hex_color
from ..errors import ConfigError
from .fonts import (
    DEFAULT_FONT,
    EMOJI_BITMAP_SIZE,
    EMOJI_FONT,
    FALLBACK_FONT,
    BundledFont,
    coverage,
    load_emoji_font,
    load_font,
    resolve_font,
)

MAX_CAPTION_CHARS = 200
#: Stroke width as a share of the font size: thick enough to read on any photo.
STROKE_RATIO = 0.09
MIN_FONT_SIZE = 8

Colour = str | tuple[int, ...]
Run = tuple[str, str]  # (kind, text); kind is "text", "fallback" or "emoji"

_ZWJ = 0x200D
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)
_REGIONAL = range(0x1F1E6, 0x1F200)


def parse_colour(value: Colour) -> tuple[int, int, int, int]:
    """Hex string or RGB(A) tuple → RGBA tuple; ConfigError otherwise."""
    if isinstance(value, str):
        return parse_hex_color(value)
    if (isinstance(value, tuple) and len(value) in (3, 4)
            and all(isinstance(v, int) and 0 <= v <= 255 for v in value)):
        return value if len(value) == 4 else (*value, 255)  # type: ignore[return-value]
    raise ConfigError(f"{value!r} is not a colour; use hex like #FF8800.")


def clean_caption(text: str) -> str:
    """Validate and normalise caption text: NFC, no control characters."""
    if not isinstance(text, str):
        raise ConfigError("The caption must be text.")
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CAPTION_CHARS:
        raise ConfigError(f"Captions can be at most {MAX_CAPTION_CHARS} characters long.")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc").strip()


def _extends(ch: str) -> bool:
    cp = ord(ch)
    return (0xFE00 <= cp <= 0xFE0F or cp in _SKIN_TONES or cp in _TAGS or cp == 0x20E3
            or unicodedata.category(ch) in ("Mn", "Me"))


def clusters(text: str) -> list[str]:
    """Split into user-perceived characters, enough for emoji sequences."""
    out, i, n = [], 0, len(text)
    while i < n:
        j = i + 1
        if ord(text[i]) in _REGIONAL and j < n and ord(text[j]) in _REGIONAL:
            j += 1  # a flag is a pair of regional indicators
        while j < n:
            if _extends(text[j]):
                j += 1
            elif ord(text[j]) == _ZWJ:
                j = min(j + 2, n)
            else:
                break
        out.append(text[i:j])
        i = j
    return out


def _is_emoji(cluster: str, text_cov: frozenset[int], emoji_cov: frozenset[int]) -> bool:
    base = ord(cluster[0])
    if base not in emoji_cov or "\ufe0e" in cluster:
        return False
    if any(ch in "\ufe0f\u20e3\u200d" or ord(ch) in _SKIN_TONES for ch in cluster[1:]):
        return True
    if base < 0x80:  # digits, '#' and '*' are emoji only as keycaps
        return False
    return base >= 0x1F000 or base not in text_cov


@lru_cache(maxsize=1)
def _fallback() -> BundledFont:
    return resolve_font(FALLBACK_FONT)


@lru_cache(maxsize=16)
def _text_coverage(font: BundledFont) -> frozenset[int]:
    return coverage(font) | coverage(_fallback())


@lru_cache(maxsize=512)
def split_runs(text: str, font: BundledFont) -> tuple[Run, ...]:
    """Runs of text the chosen font can draw, fallback text and emoji."""
    main_cov, fallback_cov = coverage(font), coverage(_fallback())
    text_cov, emoji_cov = _text_coverage(font), coverage(EMOJI_FONT)
    runs: list[list[str]] = []
    for cl in clusters(text):
        base = ord(cl[0])
        if _is_emoji(cl, text_cov, emoji_cov):
            kind = "emoji"
        elif cl.isspace():
            kind = runs[-1][0] if runs and runs[-1][0] != "emoji" else "text"
        elif base in main_cov or base not in fallback_cov:
            kind = "text"  # a character no font has: let the chosen font draw its box
        else:
            kind = "fallback"
        if runs and runs[-1][0] == kind:
            runs[-1][1] += cl
        else:
            runs.append([kind, cl])
    return tuple((k, t) for k, t in runs)


@dataclass(frozen=True)
class _Face:
    """Everything needed to measure and draw at one pixel size."""

    font: BundledFont
    size: int

    @property
    def stroke(self) -> int:
        return max(1, round(self.size * STROKE_RATIO))

    @property
    def scale(self) -> float:
        return self.size / EMOJI_BITMAP_SIZE

    def pil(self, kind: str):
        return load_font(_fallback() if kind == "fallback" else self.font, self.size)

    def metrics(self, kinds: set[str]) -> tuple[int, int]:
        """Ascent and descent covering every face a caption uses."""
        asc, desc = self.pil("text").getmetrics()
        if "fallback" in kinds:
            a, d = self.pil("fallback").getmetrics()
            asc, desc = max(asc, a), max(desc, d)
        if "emoji" in kinds:
            a, d = load_emoji_font().getmetrics()
            asc, desc = max(asc, math.ceil(a * self.scale)), max(desc, math.ceil(d * self.scale))
        return asc, desc


@lru_cache(maxsize=4096)
def _extent(text: str, face: _Face) -> tuple[float, float, float]:
    """(left, right, advance) of a line's ink, stroke included, origin at 0."""
    sw = face.stroke
    x, left, right = 0.0, math.inf, -math.inf
    for kind, run in split_runs(text, face.font):
        if kind == "emoji":
            adv = load_emoji_font().getlength(run) * face.scale
            l, r = -sw, adv + sw
        else:
            f = face.pil(kind)
            adv = f.getlength(run)
            if run.isspace():
                x += adv
                continue
            l, _, r, _ = f.getbbox(run, stroke_width=sw, anchor="ls")
        left, right = min(left, x + l), max(right, x + r)
        x += adv
    if left > right:
        return 0.0, 0.0, x
    return left, right, x


def _width(text: str, face: _Face) -> float:
    left, right, _ = _extent(text, face)
    return right - left


def _break_word(word: str, face: _Face, max_w: float) -> list[str]:
    """Hard-wrap one over-long word between clusters, longest pieces first."""
    parts, pieces = clusters(word), []
    while parts:
        lo, hi = 1, len(parts)  # binary search the longest prefix that fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _width("".join(parts[:mid]), face) <= max_w:
                lo = mid
            else:
                hi = mid - 1
        pieces.append("".join(parts[:lo]))
        parts = parts[lo:]
    return pieces


def _wrap(text: str, face: _Face, max_w: float, break_words: bool) -> list[str] | None:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        cur = ""
        for word in paragraph.split():
            cand = f"{cur} {word}" if cur else word
            if _width(cand, face) <= max_w:
                cur = cand
                continue
            if cur:
                lines.append(cur)
            if _width(word, face) <= max_w:
                cur = word
            elif break_words:
                *full, cur = _break_word(word, face, max_w)
                lines.extend(full)
            else:
                return None
        lines.append(cur)
    return lines


def _kinds(lines: list[str], font: BundledFont) -> set[str]:
    return {k for line in lines for k, _ in split_runs(line, font)}


def _block_height(lines: list[str], face: _Face) -> int:
    asc, desc = face.metrics(_kinds(lines, face.font))
    return (len(lines) - 1) * _pitch(asc, desc, face) + asc + desc + 2 * face.stroke


def _pitch(asc: int, desc: int, face: _Face) -> int:
    return asc + desc + face.stroke // 2


def layout(text: str, font: BundledFont, max_width: int, max_height: int,
           max_size: int) -> tuple[_Face, list[str]]:
    """The largest size whose wrapped lines fit the box.

    Words are kept whole unless that would push the size below a quarter of
    *max_size*; a long word is then broken rather than shrunk to a speck.
    """
    top = max(MIN_FONT_SIZE, max_size)
    best = (_largest_fit(text, font, max_width, max_height, max(MIN_FONT_SIZE, top // 4), top, False)
            or _largest_fit(text, font, max_width, max_height, MIN_FONT_SIZE, top, True))
    if best is None:  # too long even at the smallest size: the caller scales it down
        face = _Face(font, MIN_FONT_SIZE)
        best = face, _wrap(text, face, max_width, break_words=True) or [text]
    return best


def _largest_fit(text: str, font: BundledFont, max_width: int, max_height: int,
                 lo: int, hi: int, break_words: bool) -> tuple[_Face, list[str]] | None:
    best = None
    while lo <= hi:  # binary search: fit is monotonic in size for practical purposes
        mid = (lo + hi) // 2
        face = _Face(font, mid)
        lines = _wrap(text, face, max_width, break_words)
        if lines is not None and _block_height(lines, face) <= max_height:
            best, lo = (face, lines), mid + 1
        else:
            hi = mid - 1
    return best


@lru_cache(maxsize=128)
def _emoji_image(run: str, size: int, stroke: int) -> tuple[Image.Image, Image.Image, int]:
    """Colour emoji scaled to *size* plus its stroke silhouette and ascent."""
    ef = load_emoji_font()
    asc, desc = ef.getmetrics()
    w = math.ceil(ef.getlength(run)) + 2
    big = Image.new("RGBA", (w, asc + desc + 2), (0, 0, 0, 0))
    ImageDraw.Draw(big).text((1, asc + 1), run, font=ef, embedded_color=True, anchor="ls")
    scale = size / EMOJI_BITMAP_SIZE
    small = big.resize((max(1, round(w * scale)), max(1, round(big.height * scale))),
                       Image.Resampling.LANCZOS)
    alpha = np.asarray(small.getchannel("A"))
    alpha = np.pad(alpha, stroke)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * stroke + 1, 2 * stroke + 1))
    halo = Image.fromarray(cv2.dilate(alpha, kernel), "L")
    return small, halo, round((asc + 1) * scale)


def render_caption(text: str, font: str | BundledFont = DEFAULT_FONT, *,
                   fill: Colour = "#FFFFFF", stroke: Colour = "#000000",
                   max_width: int, max_height: int,
                   max_size: int | None = None) -> Image.Image | None:
    """RGBA image of the caption, cropped to its ink and within the box.

    None for an empty caption. Lines are centred; the stroke scales with the
    font size so small and large captions look alike.
    """
    text = clean_caption(text)
    if not text:
        return None
    if max_width < 8 or max_height < 8:
        raise ConfigError("There is no room for a caption on a sticker this small.")
    bundle = font if isinstance(font, BundledFont) else resolve_font(font)
    fill_rgba, stroke_rgba = parse_colour(fill), parse_colour(stroke)
    face, lines = layout(text, bundle, max_width, max_height, max_size or max_height)
    image = _draw(lines, face, fill_rgba, stroke_rgba)
    box = image.getbbox()
    if box is None:
        return None
    image = image.crop(box)
    if image.width > max_width or image.height > max_height:
        k = min(max_width / image.width, max_height / image.height)
        image = image.resize((max(1, math.floor(image.width * k)), max(1, math.floor(image.height * k))),
                             Image.Resampling.LANCZOS)
    return image


def _draw(lines: list[str], face: _Face, fill: tuple[int, ...], stroke: tuple[int, ...]) -> Image.Image:
    sw = face.stroke
    asc, desc = face.metrics(_kinds(lines, face.font))
    pitch = _pitch(asc, desc, face)
    extents = [_extent(line, face) for line in lines]
    block_w = max(r - l for l, r, _ in extents)
    pad = face.size + 2 * sw  # room for overhanging swashes; cropped afterwards
    size = (math.ceil(block_w) + 2 * pad, (len(lines) - 1) * pitch + asc + desc + 2 * pad)
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    placed = []
    for i, (line, (left, right, _)) in enumerate(zip(lines, extents)):
        x = pad + (block_w - (right - left)) / 2 - left
        placed.append((line, x, pad + asc + i * pitch))
    for stroke_pass in (True, False):
        for line, x, baseline in placed:
            for kind, run in split_runs(line, face.font):
                if kind == "emoji":
                    emoji, halo, e_asc = _emoji_image(run, face.size, sw)
                    top = round(baseline - e_asc)
                    if stroke_pass:
                        layer = Image.new("RGBA", halo.size, stroke)
                        layer.putalpha(halo.point(lambda v, a=stroke[3]: v * a // 255))
                        image.alpha_composite(layer, (round(x) - sw, top - sw))
                    else:
                        image.alpha_composite(emoji, (round(x), top))
                    x += load_emoji_font().getlength(run) * face.scale
                    continue
                f = face.pil(kind)
                if stroke_pass:
                    draw.text((x, baseline), run, font=f, fill=stroke, stroke_width=sw,
                              stroke_fill=stroke, anchor="ls")
                else:
                    draw.text((x, baseline), run, font=f, fill=fill, anchor="ls")
                x += f.getlength(run)
    return image
