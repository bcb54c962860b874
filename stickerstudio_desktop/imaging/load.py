"""The one way an outside image enters the app.

Photos arrive from disk, the clipboard and the network, so every one is treated
as hostile: only whitelisted formats are identified, the declared size is
checked against a pixel budget before any pixel is decoded, the whole image is
decoded while the file is still open (so a truncated file fails here, not later
in the pipeline), and every Pillow failure becomes one ``ImageLoadError``.
The result is always a detached RGB or RGBA image with EXIF orientation applied.
"""

from __future__ import annotations

import io
import logging
import os
import stat
import unicodedata
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Iterator, Union

import numpy as np

# Importing the plugins registers their openers in Image.OPEN; only these run.
from PIL import (  # noqa: F401
    BmpImagePlugin,
    ExifTags,
    GifImagePlugin,
    Image,
    ImageCms,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    WebPImagePlugin,
)

from ..errors import ImageLoadError

log = logging.getLogger(__name__)

DEFAULT_MAX_PIXELS = 50_000_000

ImageSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]

# Pillow format name -> what we call it in messages.  Order = identification order.
_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "BMP": "BMP", "TIFF": "TIFF", "GIF": "GIF"}
_OPENERS = {fmt: Image.OPEN[fmt] for fmt in _FORMATS if fmt in Image.OPEN}
SUPPORTED_FORMATS: tuple[str, ...] = tuple(_FORMATS[fmt] for fmt in _OPENERS)
_SUPPORTED_TEXT = ", ".join(SUPPORTED_FORMATS[:-1]) + " or " + SUPPORTED_FORMATS[-1]

# Formats people commonly try that we refuse, named so the message is useful.
_KNOWN_MAGIC = (
    (b"8BPS", "a Photoshop document (PSD)"),
    (b"%PDF", "a PDF document"),
    (b"%!PS", "a PostScript file (EPS)"),
    (b"\xc5\xd0\xd3\xc6", "a PostScript file (EPS)"),
    (b"\x00\x00\x01\x00", "a Windows icon (ICO)"),
    (b"icns", "an Apple icon (ICNS)"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image"),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 image"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "a JPEG XL image"),
    (b"\xff\x0a", "a JPEG XL image"),
    (b"qoif", "a QOI image"),
    (b"PK\x03\x04", "a ZIP archive"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}

_ORIENTATION_TAG = ExifTags.Base.Orientation
# EXIF orientation -> the transpose that displays it upright (as ImageOps.exif_transpose).
_ORIENT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class ImageInfo:
    """What the header says, without decoding: format name and upright size."""

    format: str
    width: int
    height: int


def load_image(
    source: ImageSource,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    name: str | None = None,
) -> Image.Image:
    """Decode *source* (a path or the encoded bytes) into an upright RGB or RGBA image.

    RGBA is returned only when the source carries transparency (an alpha
    channel or a transparent colour).  *name* labels bytes in messages, e.g.
    the dropped file's name.  Raises ``ImageLoadError`` and nothing else for
    any bad input.
    """
    if max_pixels < 1:
        raise ValueError("max_pixels must be at least 1")
    label = _label(source, name)
    with _opened(source, label) as fp, _pillow_warnings():
        try:
            _, im = _identify(fp, label)
            _check_pixels(im.size, max_pixels, label)
            im.load()
            _check_pixels(im.size, max_pixels, label)
            orientation = _orientation(im)
            out = _to_rgb(im, label)
            out = out.transpose(_ORIENT[orientation]) if orientation in _ORIENT else out
        except ImageLoadError:
            raise
        except Exception as exc:  # Pillow's plugins raise a wide, undocumented range of types.
            raise _decode_error(exc, label) from exc
    out.info = {}
    return out


def probe_image(source: ImageSource, *, name: str | None = None) -> ImageInfo:
    """Identify *source* from its header only (cheap): format and upright size."""
    label = _label(source, name)
    with _opened(source, label) as fp, _pillow_warnings():
        try:
            fmt, im = _identify(fp, label)
            width, height = _stored_size(im)
            # A PNG's eXIf chunk may follow the pixels; Pillow would decode them all to find it.
            header_exif = fmt != "PNG" or "exif" in im.info
            if header_exif and _orientation(im) in (5, 6, 7, 8):
                width, height = height, width
            return ImageInfo(fmt, width, height)
        except ImageLoadError:
            raise
        except Exception as exc:
            raise _decode_error(exc, label) from exc


# --- opening ---------------------------------------------------------------


def _label(source: ImageSource, name: str | None) -> str:
    """A one-line, printable way to name the input in a sentence."""
    if name is None and isinstance(source, (bytes, bytearray, memoryview)):
        return "The image data"
    raw = name if name is not None else os.fsdecode(os.fspath(source))
    name = os.path.basename(os.path.normpath(raw)) if raw else raw
    clean = "".join("?" if unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" else ch for ch in name)
    return f'"{clean}"'


@contextmanager
def _opened(source: ImageSource, label: str) -> Iterator[IO[bytes]]:
    """Yield a seekable binary stream; a path's file is closed on exit, whatever happens."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if not data:
            raise ImageLoadError(f"{label} is empty (0 bytes).")
        yield io.BytesIO(data)
        return
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"load_image() takes a path or bytes, not {type(source).__name__}")
    path = os.fspath(source)
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise ImageLoadError(f"{label} is a folder, not an image file.")
        if not stat.S_ISREG(st.st_mode):
            raise ImageLoadError(f"{label} is not a regular file, so it cannot be read as an image.")
        if st.st_size == 0:
            raise ImageLoadError(f"{label} is empty (0 bytes).")
        fp = open(path, "rb")  # noqa: SIM115 - closed below, after decoding
    except ImageLoadError:
        raise
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise ImageLoadError(f"{label} does not exist; check the file's location.") from exc
    except PermissionError as exc:
        raise ImageLoadError(f"{label} cannot be read because permission was denied.") from exc
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).rstrip(".")
        raise ImageLoadError(f"{label} cannot be opened ({_one_line(reason)}).") from exc
    except ValueError as exc:  # e.g. an embedded NUL byte
        raise ImageLoadError(f"{label} is not a valid file path.") from exc
    with fp:
        yield fp


@contextmanager
def _pillow_warnings() -> Iterator[None]:
    """While decoding: DecompressionBombWarning raises; Pillow's chatter about bad EXIF etc. is muted.

    Note ``catch_warnings`` swaps process-wide state; Pillow's own limit is never touched.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _identify(fp: IO[bytes], label: str) -> tuple[str, Image.Image]:
    """Open *fp* lazily with the first whitelisted plugin that accepts its magic bytes.

    The plugin is called directly rather than through ``Image.open`` so Pillow's
    global pixel limit does not pre-empt our own, configurable one.
    """
    prefix = fp.read(16)
    if not prefix:
        raise ImageLoadError(f"{label} is empty (0 bytes).")
    for fmt, (factory, accept) in _OPENERS.items():
        verdict = accept(prefix) if accept is not None else True
        if not verdict or isinstance(verdict, str):  # a str is Pillow's "recognised, cannot read"
            continue
        fp.seek(0)
        try:
            # An empty filename keeps Pillow from memory-mapping the file behind our back.
            return _FORMATS[fmt], factory(fp, "")
        except (MemoryError, Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise
        except Exception as exc:
            raise ImageLoadError(
                f"{label} looks like a {_FORMATS[fmt]} image but its header is damaged."
            ) from exc
    fp.seek(0)
    kind = _known_kind(prefix + fp.read(1024))
    if kind:
        raise ImageLoadError(f"{label} is {kind}, which is not supported; use {_SUPPORTED_TEXT}.")
    raise ImageLoadError(f"{label} is not an image in a supported format ({_SUPPORTED_TEXT}).")


def _known_kind(head: bytes) -> str | None:
    for magic, kind in _KNOWN_MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        if head[8:12] in _HEIF_BRANDS:
            return "a HEIC photo"
        if head[8:12] in _AVIF_BRANDS:
            return "an AVIF image"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "an SVG drawing"
    if text.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    return None


def _check_pixels(size: tuple[int, int], max_pixels: int, label: str) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise ImageLoadError(f"{label} declares an empty size ({width}×{height}), so it is damaged.")
    if width * height > max_pixels:
        shown, limit = _pixel_counts(width * height, max_pixels)
        raise ImageLoadError(f"{label} is {width}×{height} pixels ({shown}); the limit is {limit}.")


def _pixel_counts(pixels: int, limit: int) -> tuple[str, str]:
    """Both counts in MP, with enough decimals that 'just over' does not read as equal."""
    if limit < 100_000:
        return f"{pixels:,} pixels", f"{limit:,} pixels"
    for digits in range(1, 7):
        shown, cap = (f"{n / 1e6:.{digits}f}".rstrip("0").rstrip(".") for n in (pixels, limit))
        if shown != cap:
            return f"{shown} MP", f"{cap} MP"
    return f"{pixels:,} pixels", f"{limit:,} pixels"


def _decode_error(exc: BaseException, label: str) -> ImageLoadError:
    log.debug("decoding %s failed", label, exc_info=exc)
    if isinstance(exc, MemoryError):
        return ImageLoadError(f"{label} is too large to decode with the memory available.")
    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return ImageLoadError(f"{label} is larger than the pixel limit, so it was not decoded.")
    return ImageLoadError(f"{label} is damaged or incomplete and cannot be decoded.")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --- normalising -----------------------------------------------------------


def _stored_size(im: Image.Image) -> tuple[int, int]:
    """Size as stored, before orientation (newer Pillows pre-rotate a TIFF's reported size)."""
    tags = getattr(im, "tag_v2", None)
    if tags is not None and isinstance(tags.get(256), int) and isinstance(tags.get(257), int):
        return tags[256], tags[257]
    return im.size


def _orientation(im: Image.Image) -> int:
    """The EXIF orientation, or 1 when absent or unreadable (broken EXIF is common).

    Read after decoding it is the rotation still to apply: recent Pillow versions rotate
    TIFFs themselves while loading and then drop the tag.
    """
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
        return int(value) if isinstance(value, int) else 1
    except Exception:  # noqa: BLE001 - a broken EXIF block must not cost the photo
        log.debug("ignoring unreadable EXIF", exc_info=True)
        return 1


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in _ALPHA_MODES or "transparency" in im.info


def _to_rgb(im: Image.Image, label: str) -> Image.Image:
    """Any decoded mode -> RGB, or RGBA when the source has transparency."""
    target = "RGBA" if _has_alpha(im) else "RGB"
    if im.mode.startswith("I") or im.mode == "F":
        return _wide_grey_to_rgb(im, target)
    if im.mode == "RGBa":
        im = im.convert("RGBA")
    elif im.mode == "La":
        im = _unpremultiply_la(im)
    icc = im.info.get("icc_profile")
    if icc and im.mode in ("RGB", "RGBA", "CMYK"):
        converted = _icc_to_srgb(im, icc, target)
        if converted is not None:
            return converted
    if im.mode == target:
        return im.copy()
    try:
        return im.convert(target)
    except ValueError as exc:
        raise ImageLoadError(f"{label} uses the colour mode {im.mode}, which is not supported.") from exc


def _unpremultiply_la(im: Image.Image) -> Image.Image:
    grey, alpha = im.split()
    return Image.merge("RGBa", (grey, grey, grey, alpha)).convert("RGBA")


def _icc_to_srgb(im: Image.Image, icc: bytes, target: str) -> Image.Image | None:
    """Convert through the embedded colour profile; None when it is sRGB already or unusable."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if im.mode != "CMYK" and "srgb" in (profile.profile.profile_description or "").lower():
            return None  # the common case; a no-op transform would cost ~15 ns a pixel
        transform = ImageCms.buildTransform(profile, _SRGB, im.mode, target)
        return ImageCms.applyTransform(im, transform)
    except Exception:  # noqa: BLE001 - a bad profile falls back to the plain conversion
        log.debug("ignoring unusable ICC profile", exc_info=True)
        return None


def _wide_grey_to_rgb(im: Image.Image, target: str) -> Image.Image:
    """16/32-bit integer and float grey -> 8 bits by scaling, never by clipping."""
    values = np.asarray(im)
    grey = _scale_to_u8(values)
    out = Image.fromarray(grey, "L").convert("RGB")
    if target == "RGBA":
        trns = im.info.get("transparency")
        alpha = np.where(values == trns, 0, 255).astype(np.uint8) if isinstance(trns, int) else np.full_like(grey, 255)
        out.putalpha(Image.fromarray(alpha, "L"))
    return out


def _scale_to_u8(values: np.ndarray) -> np.ndarray:
    """16-bit ranges by /257; floats in [0, 1] by *255; anything else stretched min..max."""
    if values.dtype.kind == "f":
        finite = np.isfinite(values)
        if not finite.all():
            values = np.where(finite, values, 0).astype(np.float32)
        lo, hi = float(values.min()), float(values.max())
        if lo >= 0.0 and hi <= 1.0:
            return np.round(values * np.float32(255)).astype(np.uint8)
        return _stretch(values, lo, hi)
    lo, hi = int(values.min()), int(values.max())
    if lo >= 0 and hi <= 0xFFFF:
        return ((values.astype(np.uint32) + 128) // 257).astype(np.uint8)
    return _stretch(values, lo, hi)


def _stretch(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    if hi <= lo:
        return np.full(values.shape, int(np.clip(lo, 0, 255)), np.uint8)
    scaled = (values.astype(np.float32) - np.float32(lo)) * np.float32(255.0 / (hi - lo))
    return np.round(scaled).astype(np.uint8)
