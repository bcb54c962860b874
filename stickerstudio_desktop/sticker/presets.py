"""Export presets: each chat app's size, format and byte limits, checked.

Every encoding is decoded again and checked against its preset before it is
returned or written, so an out-of-spec file is never produced: if a limit
cannot be met the export fails with ExportError instead.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Literal

from PIL import Image

from ..errors import ConfigError, ExportError
from ..files import atomic_path

Format = Literal["PNG", "WEBP"]
#: "exact": side × side; "fit": longest side = side; "max": shrink to fit side; "full": as is.
SizeRule = Literal["exact", "fit", "max", "full"]

EXTENSIONS = {"PNG": ".png", "WEBP": ".webp"}
#: Lossy WebP qualities, best first: q80 is tried first (~40 ms for a 512²
#: sticker), then the best lower one that fits is binary-searched. Method 6
#: would cost ~60× more time for ~5 % fewer bytes.
WEBP_QUALITIES = (80, 75, 70, 65, 60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10)
WEBP_METHOD = 4
WEBP_LAST_RESORT_ALPHA_QUALITY = 50


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    size_rule: SizeRule
    side: int | None
    formats: tuple[Format, ...]  # in order of preference
    max_bytes: int | None

    @property
    def extension(self) -> str:
        """Suffix of the preferred format; the encoded one may differ (see EncodedSticker)."""
        return EXTENSIONS[self.formats[0]]

    def target_size(self, width: int, height: int) -> tuple[int, int]:
        """Output dimensions for a width × height image."""
        if self.size_rule == "full" or self.side is None:
            return width, height
        if self.size_rule == "exact":
            return self.side, self.side
        k = self.side / max(width, height)
        if self.size_rule == "max":
            k = min(k, 1.0)
        return max(1, round(width * k)), max(1, round(height * k))


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("whatsapp", "WhatsApp: 512×512 WebP, at most 100 KB", "exact", 512, ("WEBP",), 100 * 1024),
    Preset("telegram", "Telegram: 512 px on the longest side, PNG or WebP, at most 512 KB",
           "fit", 512, ("PNG", "WEBP"), 512 * 1024),
    Preset("signal", "Signal: up to 512×512, PNG or WebP, at most 300 KB",
           "max", 512, ("PNG", "WEBP"), 300 * 1024),
    Preset("discord", "Discord: 320×320 PNG, at most 512 KB", "exact", 320, ("PNG",), 512 * 1024),
    Preset("png", "Full-resolution PNG", "full", None, ("PNG",), None),
)}


@dataclass(frozen=True)
class EncodedSticker:
    data: bytes
    format: Format
    size: tuple[int, int]
    quality: int | None  # lossy WebP quality; None for lossless
    transparent: bool = True  # the source had see-through pixels, so the file must too

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bytes: int
    width: int
    height: int
    format: Format
    quality: int | None
    requested_path: Path
    note: str = ""  # e.g. why the suffix differs from the one asked for

    @property
    def name(self) -> str:
        return self.path.name


def get_preset(preset: str | Preset) -> Preset:
    """A Preset by name (any case); ConfigError lists the choices."""
    if isinstance(preset, Preset):
        return preset
    found = PRESETS.get(str(preset).strip().lower())
    if found is None:
        raise ConfigError(f"Unknown export preset {preset!r}; choose one of: {', '.join(PRESETS)}.")
    return found


def encode_sticker(image: Image.Image, preset: str | Preset) -> EncodedSticker:
    """Encode in memory to fit *preset*; the bytes are decoded and checked."""
    preset = get_preset(preset)
    if not isinstance(image, Image.Image) or image.width < 1 or image.height < 1:
        raise ExportError("There is no sticker image to export.")
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    size = preset.target_size(*rgba.size)
    if size != rgba.size:
        rgba = _resize_contain(rgba, size)
    transparent = rgba.getextrema()[3][0] < 255
    smallest = None
    for fmt in preset.formats:
        if fmt == "PNG":
            encoded = _encode_png(rgba, transparent)
        else:
            encoded = _encode_webp(rgba, transparent, preset.max_bytes)
        if _fits(encoded, preset.max_bytes):
            _verify(encoded.data, encoded.format, size, transparent, preset)
            return encoded
        smallest = min(len(encoded.data), smallest or len(encoded.data))
    raise ExportError(f"The sticker cannot be made small enough for {preset.name}: the smallest "
                      f"encoding is {_kb(smallest or 0)}, the limit is {_kb(preset.max_bytes or 0)}.")


def export_sticker(image: Image.Image, preset_name: str | Preset, target_path: str | os.PathLike[str],
                   *, overwrite: bool = False) -> ExportResult:
    """Encode for the preset and write atomically; never clobbers silently."""
    preset = get_preset(preset_name)
    return write_encoded(encode_sticker(image, preset), preset, target_path, overwrite=overwrite)


def write_encoded(encoded: EncodedSticker, preset: str | Preset, target_path: str | os.PathLike[str],
                  *, overwrite: bool = False) -> ExportResult:
    """Write already-encoded sticker bytes atomically, fixing the suffix, re-verifying on disk."""
    preset = get_preset(preset)
    requested = Path(target_path)
    if requested.is_dir() or not requested.name:
        raise ExportError(f"{requested} is a folder; give a file name for the sticker.")
    path, note = requested, ""
    if requested.suffix.lower() != encoded.extension:
        path = requested.with_suffix(encoded.extension)
        if requested.suffix:
            note = f"saved as {path.name} because the preset writes {encoded.format}"
    write_checked(path, lambda fh: fh.write(encoded.data),
                  lambda tmp: _verify(tmp.read_bytes(), encoded.format, encoded.size, encoded.transparent, preset),
                  overwrite=overwrite, what="the sticker")
    return ExportResult(path=path, bytes=len(encoded.data), width=encoded.size[0],
                        height=encoded.size[1], format=encoded.format, quality=encoded.quality,
                        requested_path=requested, note=note)


def write_checked(path: Path, write: Callable[[BinaryIO], object], verify: Callable[[Path], None], *,
                  overwrite: bool, what: str) -> None:
    """The one way an export writes a file: *write* into a temp file, fsync, *verify* it as read back
    from disk, then rename over *path*. Never onto a folder, never over a file unless *overwrite*."""
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name for {what}.")
    if path.exists() and not overwrite:
        raise ExportError(f"{path} already exists; choose another name or allow overwriting.")
    try:
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
            verify(tmp)
    except OSError as exc:
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}.") from None


# --- helpers ---------------------------------------------------------------


def _resize_contain(rgba: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale into *size* keeping the aspect; pad with transparency if needed."""
    k = min(size[0] / rgba.width, size[1] / rgba.height)
    inner = (max(1, round(rgba.width * k)), max(1, round(rgba.height * k)))
    scaled = rgba.resize(inner, Image.Resampling.LANCZOS, reducing_gap=3.0)  # premultiplied by Pillow
    if inner == size:
        return scaled
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    canvas.paste(scaled, ((size[0] - inner[0]) // 2, (size[1] - inner[1]) // 2))
    return canvas


def _fits(encoded: EncodedSticker, budget: int | None) -> bool:
    return budget is None or len(encoded.data) <= budget


def _encode_png(rgba: Image.Image, transparent: bool) -> EncodedSticker:
    # level 9 buys a few % at sticker sizes; on full-resolution art it is slow
    level = 9 if rgba.width * rgba.height <= 1024 * 1024 else 6
    return EncodedSticker(_save(rgba, "PNG", compress_level=level), "PNG", rgba.size, None, transparent)


def _encode_webp(rgba: Image.Image, transparent: bool, budget: int | None) -> EncodedSticker:
    """The best lossy WebP within *budget*, else the smallest one tried."""
    def encode(quality: int, **extra) -> EncodedSticker:
        data = _save(rgba, "WEBP", quality=quality, method=WEBP_METHOD, **extra)
        return EncodedSticker(data, "WEBP", rgba.size, quality, transparent)

    first = encode(WEBP_QUALITIES[0])
    if _fits(first, budget):
        return first  # the common case: one ~40 ms encode
    lower, best, smallest = WEBP_QUALITIES[1:], None, first
    lo, hi = 0, len(lower) - 1
    while lo <= hi:  # size falls with quality: binary search the best that fits
        mid = (lo + hi) // 2
        candidate = encode(lower[mid])
        if _fits(candidate, budget):
            best, hi = candidate, mid - 1
        else:
            smallest, lo = min(smallest, candidate, key=lambda e: len(e.data)), mid + 1
    if best is not None:
        return best
    # alpha is lossless by default; noisy edges can make it the bulk
    last = encode(WEBP_QUALITIES[-1], alpha_quality=WEBP_LAST_RESORT_ALPHA_QUALITY)
    return last if _fits(last, budget) else min(smallest, last, key=lambda e: len(e.data))


def _save(image: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **params)
    return buf.getvalue()


def _verify(data: bytes, fmt: Format, size: tuple[int, int], transparent: bool,
            preset: Preset) -> None:
    """Decode *data* and check it against the preset; ExportError if it is off."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            ok_format, ok_size = im.format == fmt, im.size == size
            alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a bad file
        raise ExportError(f"The encoded {fmt} sticker could not be read back ({exc}).") from None
    problems = []
    if not ok_format:
        problems.append(f"it is not {fmt}")
    if not ok_size:
        problems.append(f"it is not {size[0]}×{size[1]}")
    if transparent and not alpha:
        problems.append("it lost its transparency")
    if preset.max_bytes is not None and len(data) > preset.max_bytes:
        problems.append(f"it is {_kb(len(data))}, over {_kb(preset.max_bytes)}")
    if problems:
        raise ExportError(f"The {preset.name} sticker failed its check: {', '.join(problems)}.")


def _kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"
