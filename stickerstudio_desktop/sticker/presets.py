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
from .animated_readback import read_back

Format = Literal["PNG", "WEBP", "APNG", "WEBM"]
#: "exact": side × side; "fit": longest side = side; "max": shrink to fit side; "full": as is.
SizeRule = Literal["exact", "fit", "max", "full"]

#: APNG keeps ".png": Signal and Discord take animated stickers only as .png files, and any
#: PNG reader still shows the first frame.
EXTENSIONS = {"PNG": ".png", "WEBP": ".webp", "APNG": ".png", "WEBM": ".webm"}
ANIMATED_FORMATS = ("WEBP", "APNG", "WEBM")
#: Lossy WebP qualities, best first: q80 is tried first (~40 ms for a 512²
#: sticker), then the best lower one that fits is binary-searched. Method 6
#: would cost ~60× more time for ~5 % fewer bytes.
WEBP_QUALITIES = (80, 75, 70, 65, 60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10)
WEBP_METHOD = 4
WEBP_LAST_RESORT_ALPHA_QUALITY = 50


def fit_size(size_rule: SizeRule, side: int | None, width: int, height: int) -> tuple[int, int]:
    """Output dimensions for a width × height image under *size_rule* and *side*."""
    if size_rule == "full" or side is None:
        return width, height
    if size_rule == "exact":
        return side, side
    k = side / max(width, height)
    if size_rule == "max":
        k = min(k, 1.0)
    return max(1, round(width * k)), max(1, round(height * k))


@dataclass(frozen=True)
class AnimationLimits:
    """What a platform lets an animated sticker be; callers trim clips to max_duration_ms with a message."""
    max_duration_ms: int
    max_fps: float  # the fastest rate written (Telegram's rule; elsewhere the budgets make more pointless)
    min_frame_ms: int  # no frame is shown shorter than this


@dataclass(frozen=True)
class AnimatedSpec:
    """How a preset writes a sticker that moves (the still rules are on Preset itself)."""
    format: Format
    size_rule: SizeRule
    side: int | None
    max_bytes: int | None
    limits: AnimationLimits
    may_shrink: bool = False  # the platform takes smaller than side, so the fit may shrink it


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    size_rule: SizeRule
    side: int | None
    formats: tuple[Format, ...]  # in order of preference
    max_bytes: int | None
    animated: AnimatedSpec | None = None  # None: this preset makes stills only

    @property
    def extension(self) -> str:
        """Suffix of the preferred format; the encoded one may differ (see EncodedSticker)."""
        return EXTENSIONS[self.formats[0]]

    def target_size(self, width: int, height: int) -> tuple[int, int]:
        """Output dimensions for a width × height image."""
        return fit_size(self.size_rule, self.side, width, height)


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("whatsapp", "WhatsApp: 512×512 WebP, at most 100 KB (animated: 500 KB, 10 s)", "exact", 512,
           ("WEBP",), 100 * 1024,
           AnimatedSpec("WEBP", "exact", 512, 500 * 1024, AnimationLimits(10_000, 30.0, 8))),
    Preset("telegram", "Telegram: 512 px on the longest side, PNG or WebP, at most 512 KB "
           "(animated: VP9 WEBM, 256 KB, 3 s, 30 fps)", "fit", 512, ("PNG", "WEBP"), 512 * 1024,
           AnimatedSpec("WEBM", "fit", 512, 256 * 1024, AnimationLimits(3_000, 30.0, 33))),
    Preset("signal", "Signal: up to 512×512, PNG or WebP, at most 300 KB (animated: APNG)",
           "max", 512, ("PNG", "WEBP"), 300 * 1024,
           AnimatedSpec("APNG", "max", 512, 300 * 1024, AnimationLimits(10_000, 30.0, 10), may_shrink=True)),
    Preset("discord", "Discord: 320×320 PNG, at most 512 KB (animated: APNG)", "exact", 320, ("PNG",),
           512 * 1024, AnimatedSpec("APNG", "exact", 320, 512 * 1024, AnimationLimits(10_000, 30.0, 10))),
    # full size and lossless, like the still: no platform to fit, so only a sanity cap on length
    Preset("png", "Full-resolution PNG (animated: APNG)", "full", None, ("PNG",), None,
           AnimatedSpec("APNG", "full", None, None, AnimationLimits(60_000, 30.0, 10))),
)}


@dataclass(frozen=True)
class EncodedSticker:
    data: bytes
    format: Format
    size: tuple[int, int]
    quality: int | None  # lossy WebP quality; None for lossless
    transparent: bool = True  # the source had see-through pixels, so the file must too
    frames: int = 1  # more than one: an animated sticker
    duration_ms: int = 0  # an animation's total running time; 0 for a still

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def animated(self) -> bool:
        return self.duration_ms > 0


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
        rgba = resize_contain(rgba, size)
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
                  lambda tmp: verify_encoded(tmp.read_bytes(), encoded, preset),
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


def verify_encoded(data: bytes, encoded: EncodedSticker, preset: str | Preset) -> None:
    """Decode *data* and check it is *encoded* within *preset*'s rules; ExportError if not."""
    preset = get_preset(preset)
    if encoded.animated:
        _verify_animated(data, encoded, preset)
    else:
        _verify(data, encoded.format, encoded.size, encoded.transparent, preset)


# --- helpers ---------------------------------------------------------------


def resize_contain(rgba: Image.Image, size: tuple[int, int]) -> Image.Image:
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


def _verify_animated(data: bytes, encoded: EncodedSticker, preset: Preset) -> None:
    """The animated check: container and codec, size, frames, running time, frame times, bytes, alpha."""
    spec = preset.animated
    if spec is None:
        raise ExportError(f"The {preset.name} preset makes still stickers only.")
    got = read_back(data, encoded.format)
    limits, problems = spec.limits, []
    if (got.codec, got.container) != _DECODED_AS[encoded.format]:
        problems.append(f"it decodes as {got.codec} in {got.container}, not {encoded.format}")
    if got.size != encoded.size:
        problems.append(f"it is {got.size[0]}×{got.size[1]}, not {encoded.size[0]}×{encoded.size[1]}")
    if not _size_allowed(got.size, spec):
        problems.append(f"{got.size[0]}×{got.size[1]} breaks the {preset.name} size rule")
    if got.frames < 1 or got.frames != encoded.frames:
        problems.append(f"it has {got.frames} frames, not {encoded.frames}")
    if got.duration_ms != encoded.duration_ms:
        problems.append(f"it runs {got.duration_ms} ms, not {encoded.duration_ms} ms")
    if got.duration_ms > limits.max_duration_ms:
        problems.append(f"it runs {got.duration_ms / 1000:.2f} s, over {limits.max_duration_ms / 1000:g} s")
    if got.durations_ms and min(got.durations_ms) < limits.min_frame_ms:
        problems.append(f"a frame lasts {min(got.durations_ms)} ms, under {limits.min_frame_ms} ms")
    if got.duration_ms and got.frames * 1000 / got.duration_ms > limits.max_fps + 1e-9:
        problems.append(f"it plays at {got.frames * 1000 / got.duration_ms:.1f} fps, over {limits.max_fps:g}")
    if got.streams != 1:
        problems.append(f"it has {got.streams} streams, not one video stream")
    if got.loop not in (0, None):
        problems.append("it does not loop forever")
    if encoded.transparent and not got.transparent:
        problems.append("it lost its transparency")
    if spec.max_bytes is not None and len(data) > spec.max_bytes:
        problems.append(f"it is {_kb(len(data))}, over {_kb(spec.max_bytes)}")
    if problems:
        raise ExportError(f"The animated {preset.name} sticker failed its check: {', '.join(problems)}.")


#: (codec, container) each animated format must decode as.
_DECODED_AS = {"WEBP": ("webp", "WEBP"), "APNG": ("apng", "PNG"), "WEBM": ("vp9", "webm")}


def _size_allowed(size: tuple[int, int], spec: AnimatedSpec) -> bool:
    if spec.side is None or spec.size_rule == "full":
        return True
    if spec.size_rule == "exact":
        return size == (spec.side, spec.side)
    if spec.size_rule == "fit":
        return max(size) == spec.side
    return max(size) <= spec.side


def _kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"
