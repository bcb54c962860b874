"""The fonts shipped in fonts/: names people pick, files, licences, coverage.

Only bundled fonts are offered so a sticker looks the same on every machine
and every file we ship has a known redistribution licence (fonts/LICENSES.md;
scripts/fetch_fonts.sh rebuilds the folder from Debian packages).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from ..config.paths import bundled
from ..errors import ConfigError

DEFAULT_FONT = "Comic Neue"
#: Wide-coverage face used for characters the chosen font lacks.
FALLBACK_FONT = "Noto Sans"
#: CBDT colour emoji only exist as bitmaps of this one size.
EMOJI_BITMAP_SIZE = 109


@dataclass(frozen=True)
class BundledFont:
    name: str
    file: str
    license: str
    package: str
    style: str

    @property
    def path(self) -> Path:
        return bundled("fonts", self.file)


_CAPTION_FONTS = (
    BundledFont("Comic Neue", "ComicNeue-Bold.otf", "OFL-1.1", "fonts-comic-neue", "friendly comic"),
    BundledFont("Bebas Neue", "BebasNeue-Bold.otf", "OFL-1.1", "fonts-bebas-neue", "bold meme capitals"),
    BundledFont("Lobster Two", "LobsterTwo-BoldItalic.otf", "OFL-1.1", "fonts-lobster", "bold script"),
    BundledFont("Noto Sans", "NotoSans-Bold.ttf", "OFL-1.1", "fonts-noto-core", "plain, most languages"),
    BundledFont("Quicksand", "Quicksand-Bold.ttf", "OFL-1.1", "fonts-quicksand", "rounded"),
    BundledFont("Leckerli One", "LeckerliOne-Regular.ttf", "OFL-1.1", "fonts-leckerli-one", "fat handwriting"),
)

EMOJI_FONT = BundledFont("Noto Color Emoji", "NotoColorEmoji.ttf", "OFL-1.1",
                         "fonts-noto-color-emoji", "colour emoji")


def list_fonts() -> list[BundledFont]:
    """Caption fonts whose files are present, in menu order."""
    return [f for f in _CAPTION_FONTS if f.path.is_file()]


def resolve_font(name: str | None) -> BundledFont:
    """The bundled font called *name* (any case); ConfigError names the choices."""
    wanted = (name or DEFAULT_FONT).strip().casefold()
    available = list_fonts()
    for font in available:
        if font.name.casefold() == wanted:
            return font
    for font in _CAPTION_FONTS:
        if font.name.casefold() == wanted:
            raise ConfigError(f"The font file {font.file} is missing from {font.path.parent}; "
                              "reinstall Sticker Studio or run scripts/fetch_fonts.sh.")
    choices = ", ".join(f.name for f in available) or "none are installed"
    raise ConfigError(f"Unknown font {name!r}; choose one of: {choices}.")


def _require(font: BundledFont) -> Path:
    if not font.path.is_file():
        raise ConfigError(f"The font file {font.file} is missing from {font.path.parent}; "
                          "reinstall Sticker Studio or run scripts/fetch_fonts.sh.")
    return font.path


@lru_cache(maxsize=96)
def load_font(font: BundledFont, size: int) -> ImageFont.FreeTypeFont:
    """A cached FreeType face; captions ask for the same sizes over and over."""
    return ImageFont.truetype(str(_require(font)), size)


@lru_cache(maxsize=1)
def load_emoji_font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_require(EMOJI_FONT)), EMOJI_BITMAP_SIZE)


@lru_cache(maxsize=16)
def coverage(font: BundledFont) -> frozenset[int]:
    """Code points the font maps to a real glyph (read from its cmap table)."""
    return read_cmap(_require(font))


def read_cmap(path: Path) -> frozenset[int]:
    """Parse the best Unicode cmap subtable (format 12 or 4) of a TTF/OTF file.

    Pillow has no coverage query, and rendering a character to see whether it
    comes out as tofu is slow and font-dependent, so read the table directly.
    """
    data = Path(path).read_bytes()
    try:
        base = struct.unpack_from(">I", data, 12)[0] if data[:4] == b"ttcf" else 0
        (num_tables,) = struct.unpack_from(">H", data, base + 4)
        cmap = None
        for i in range(num_tables):
            tag, _, offset, _ = struct.unpack_from(">4sIII", data, base + 12 + 16 * i)
            if tag == b"cmap":
                cmap = offset
        if cmap is None:
            raise ValueError("no cmap")
        (n_sub,) = struct.unpack_from(">H", data, cmap + 2)
        subtables = {}
        for i in range(n_sub):
            pid, eid, off = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
            fmt = struct.unpack_from(">H", data, cmap + off)[0]
            subtables.setdefault((fmt, pid, eid), cmap + off)
        for key in ((12, 3, 10), (12, 0, 4), (12, 0, 6), (4, 3, 1), (4, 0, 3), (4, 0, 4)):
            if key in subtables:
                return (_format12 if key[0] == 12 else _format4)(data, subtables[key])
        raise ValueError("no Unicode subtable")
    except (struct.error, ValueError) as exc:
        raise ConfigError(f"The font file {Path(path).name} is damaged ({exc}).") from None


def _format12(data: bytes, at: int) -> frozenset[int]:
    (n_groups,) = struct.unpack_from(">I", data, at + 12)
    points: set[int] = set()
    for start, end, glyph in struct.iter_unpack(">III", data[at + 16: at + 16 + 12 * n_groups]):
        points.update(range(start + (glyph == 0), end + 1))
    return frozenset(points)


def _format4(data: bytes, at: int) -> frozenset[int]:
    seg_x2 = struct.unpack_from(">H", data, at + 6)[0]
    n = seg_x2 // 2
    ends = struct.unpack_from(f">{n}H", data, at + 14)
    starts = struct.unpack_from(f">{n}H", data, at + 16 + seg_x2)
    deltas = struct.unpack_from(f">{n}h", data, at + 16 + 2 * seg_x2)
    ro_at = at + 16 + 3 * seg_x2
    range_offsets = struct.unpack_from(f">{n}H", data, ro_at)
    points: set[int] = set()
    for i in range(n):
        start, end, delta, ro = starts[i], ends[i], deltas[i], range_offsets[i]
        if start == 0xFFFF:
            continue
        if ro == 0:
            points.update(c for c in range(start, end + 1) if (c + delta) & 0xFFFF)
            continue
        for c in range(start, end + 1):
            (glyph,) = struct.unpack_from(">H", data, ro_at + 2 * i + ro + 2 * (c - start))
            if glyph and (glyph + delta) & 0xFFFF:
                points.add(c)
    return frozenset(points)
