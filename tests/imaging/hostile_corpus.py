"""A corpus of good, odd and hostile image files, built from code at test time.

No binary fixtures are committed: every file is written by Pillow or by the
small hand-rolled PNG/TIFF/PSD writers below (for what Pillow cannot write:
16-bit RGB, big-endian TIFF, declared-huge headers, broken checksums).
Each ``Case`` says what ``load_image`` must do with its file: load to a given
mode and size with given pixel values, or fail with ``ImageLoadError``.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image, ImageCms

Writer = Callable[[Path], None]
Probe = tuple[tuple[int, int], tuple[int, ...], int]  # (x, y), expected colour, tolerance

RED, GREEN, BLUE, WHITE, BLACK = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0)


@dataclass(frozen=True)
class Case:
    name: str                          # path relative to the corpus folder
    write: Writer | None               # None: nothing is written there
    mode: str | None = None            # expected mode on success; None means it must fail
    size: tuple[int, int] | None = None
    probes: tuple[Probe, ...] = ()
    error: str = ""                    # words the failure message must contain
    shown_name: str = field(default="")  # how the file is named in the message, if not its basename
    regular_file: bool = True          # False: a folder, pipe, link or nothing; there are no bytes to read

    @property
    def ok(self) -> bool:
        return self.mode is not None

    @property
    def label(self) -> str:
        return self.shown_name or Path(self.name).name


# --- encoders ----------------------------------------------------------------


def _encode(im: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def _bytes(data: bytes | Callable[[], bytes]) -> Writer:
    def write(path: Path) -> None:
        path.write_bytes(data() if callable(data) else data)
    return write


def _saved(make: Callable[[], Image.Image], fmt: str, **params) -> Writer:
    return _bytes(lambda: _encode(make(), fmt, **params))


def _chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc & 0xFFFFFFFF)


def png_bytes(width: int, height: int, bit_depth: int, colour_type: int, idat: bytes,
              extra: bytes = b"", ihdr_crc: int | None = None) -> bytes:
    """A PNG from already-compressed IDAT data; lets tests declare anything."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr, ihdr_crc) + extra
            + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))


def _png_from_array(pixels: np.ndarray, colour_type: int, extra: bytes = b"") -> bytes:
    """16-bit PNG (Pillow cannot write 16-bit RGB/RGBA): rows of big-endian samples."""
    height, width = pixels.shape[:2]
    rows = pixels.astype(">u2").reshape(height, -1).view(np.uint8)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1).tobytes()
    return png_bytes(width, height, 16, colour_type, zlib.compress(raw), extra)


def _png_bomb(width: int, height: int) -> bytes:
    """A real 1-bit bomb: every row present, all zeros, compressed to almost nothing."""
    row = b"\x00" * (1 + (width + 7) // 8)
    z = zlib.compressobj(9)
    block, left, parts = row * 512, height, []
    while left > 0:
        n = min(512, left)
        parts.append(z.compress(block if n == 512 else row * n))
        left -= n
    parts.append(z.flush())
    return png_bytes(width, height, 1, 0, b"".join(parts))


def tiff_bytes(width: int, height: int, bits: int, samples: int, photometric: int, data: bytes,
               *, sample_format: int = 1, big_endian: bool = False) -> bytes:
    """A single-strip, uncompressed TIFF with exactly the tags we choose."""
    e = ">" if big_endian else "<"
    bits_offset = 8
    bits_blob = struct.pack(f"{e}{samples}H", *([bits] * samples)) if samples > 2 else b""
    data_offset = bits_offset + len(bits_blob) + (len(bits_blob) & 1)
    ifd_offset = data_offset + len(data) + (len(data) & 1)
    tags = [
        (256, 4, width), (257, 4, height),
        (258, 3, bits_offset if samples > 2 else bits), (259, 3, 1), (262, 3, photometric),
        (273, 4, data_offset), (277, 3, samples), (278, 4, height), (279, 4, len(data)), (284, 3, 1),
    ] + ([(339, 3, sample_format)] if samples == 1 else [])
    entries = b""
    for tag, typ, value in tags:
        count = samples if tag == 258 and samples > 2 else 1
        packed = struct.pack(f"{e}H", value) + b"\0\0" if typ == 3 and count == 1 else struct.pack(f"{e}I", value)
        entries += struct.pack(f"{e}HHI", tag, typ, count) + packed
    head = (b"MM" if big_endian else b"II") + struct.pack(f"{e}HI", 42, ifd_offset)
    body = bits_blob + b"\0" * (data_offset - bits_offset - len(bits_blob)) + data
    body += b"\0" * (ifd_offset - data_offset - len(data))
    return head + body + struct.pack(f"{e}H", len(tags)) + entries + b"\0\0\0\0"


def _psd_bytes(width: int = 4, height: int = 4) -> bytes:
    """A minimal, valid 8-bit RGB Photoshop file (Pillow could read it; we must refuse)."""
    header = b"8BPS" + struct.pack(">H6sHIIHH", 1, b"\0" * 6, 3, height, width, 8, 3)
    sections = struct.pack(">III", 0, 0, 0)
    return header + sections + struct.pack(">H", 0) + b"\x80" * (width * height * 3)


# --- images ----------------------------------------------------------------


def marker_image() -> np.ndarray:
    """The upright picture every orientation case must load as: 48x32, red top-left, green top-right."""
    d = np.full((32, 48, 3), 255, np.uint8)
    d[:16, :16] = RED
    d[:16, 32:] = GREEN
    return d


MARKER_PROBES: tuple[Probe, ...] = (((8, 8), RED, 48), ((40, 8), GREEN, 48), ((24, 24), WHITE, 48))

# How a camera stores the upright picture D for each EXIF orientation (EXIF 2.3, tag 0x0112):
# the orientation names which side of the picture the stored 0th row / 0th column show.
STORED_FOR_ORIENTATION: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    1: lambda d: d,
    2: lambda d: d[:, ::-1],                 # 0th row top, 0th column right
    3: lambda d: d[::-1, ::-1],              # 0th row bottom, 0th column right
    4: lambda d: d[::-1, :],                 # 0th row bottom, 0th column left
    5: lambda d: d.transpose(1, 0, 2),       # 0th row left, 0th column top
    6: lambda d: np.rot90(d, 1),             # 0th row right, 0th column top
    7: lambda d: np.rot90(d, 1)[:, ::-1],    # 0th row right, 0th column bottom
    8: lambda d: np.rot90(d, -1),            # 0th row left, 0th column bottom
}


def _oriented(orientation: int, fmt: str, **params) -> Writer:
    def make() -> bytes:
        stored = np.ascontiguousarray(STORED_FOR_ORIENTATION[orientation](marker_image()))
        exif = Image.Exif()
        exif[0x0112] = orientation
        return _encode(Image.fromarray(stored), fmt, exif=exif, **params)
    return _bytes(make)


def _broken_exif(blob: bytes) -> Writer:
    def make() -> bytes:
        stored = np.ascontiguousarray(STORED_FOR_ORIENTATION[6](marker_image()))
        return _encode(Image.fromarray(stored), "JPEG", exif=blob)
    return _bytes(make)


def _solid(mode: str, colour, size: tuple[int, int] = (16, 12)) -> Callable[[], Image.Image]:
    return lambda: Image.new(mode, size, colour)


def _noise(size: tuple[int, int] = (96, 64), seed: int = 7) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def _rgba_gradient() -> Image.Image:
    a = np.zeros((12, 16, 4), np.uint8)
    a[..., 0] = 200
    a[..., 2] = 40
    a[..., 3] = np.arange(16, dtype=np.uint8)[None, :] * 17
    return Image.fromarray(a)


def _palette(transparent: bool) -> Image.Image:
    im = Image.new("P", (16, 12), 1)
    im.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255] + [0] * (256 * 3 - 9))
    im.paste(2, (8, 0, 16, 12))
    if transparent:
        im.paste(0, (0, 0, 4, 4))
        im.info["transparency"] = 0
    return im


def _palette_alpha() -> bytes:
    im = _palette(False)
    return _encode(im, "PNG", transparency=bytes([255, 128, 0]))


def _la() -> Image.Image:
    a = np.zeros((12, 16, 2), np.uint8)
    a[..., 0] = 90
    a[:, 8:, 1] = 255
    a[:, :8, 1] = 60
    return Image.fromarray(a, "LA")


def _bilevel() -> Image.Image:
    im = Image.new("1", (16, 12), 0)
    im.paste(1, (8, 0, 16, 12))
    return im


GREY16 = (0, 257 * 100, 257 * 128, 65535)
GREY16_EXPECT = (0, 100, 128, 255)


def _grey16_array() -> np.ndarray:
    return np.tile(np.array(GREY16, np.uint16), (2, 2))  # 8x2


def _grey16_probes(expect=GREY16_EXPECT) -> tuple[Probe, ...]:
    return tuple(((x, 0), (v, v, v), 0) for x, v in enumerate(expect))


def _grey16_tiff(big_endian: bool) -> bytes:
    a = _grey16_array()
    data = a.astype(">u2" if big_endian else "<u2").tobytes()
    return tiff_bytes(a.shape[1], a.shape[0], 16, 1, 1, data, big_endian=big_endian)


def _float_tiff(values) -> bytes:
    return _encode(Image.fromarray(np.tile(np.array(values, np.float32), (2, 2))), "TIFF")


def _int32_tiff(values=(0, 257 * 100, 65535, 2570)) -> bytes:
    return _encode(Image.fromarray(np.tile(np.array(values, np.int32), (2, 2))), "TIFF")


def _rgb16_tiff() -> bytes:
    a = np.tile(np.array([257 * 10, 257 * 128, 65535], np.uint16), (2, 4, 1))  # 4x2
    return tiff_bytes(4, 2, 16, 3, 2, a.astype("<u2").tobytes())


def _grey16_trns_png() -> bytes:
    trns = _chunk(b"tRNS", struct.pack(">H", 257 * 100))
    a = _grey16_array()
    rows = a.astype(">u2").view(np.uint8)
    raw = np.concatenate([np.zeros((a.shape[0], 1), np.uint8), rows], axis=1).tobytes()
    return png_bytes(a.shape[1], a.shape[0], 16, 0, zlib.compress(raw), trns)


def _frames(mode: str = "RGB") -> list[Image.Image]:
    return [Image.new(mode, (20, 10), (*c, 200) if mode == "RGBA" else c) for c in (RED, GREEN, BLUE)]


def _animated(fmt: str, **params) -> bytes:
    first, *rest = _frames("RGBA" if fmt == "WEBP" else "RGB")
    return _encode(first, fmt, save_all=True, append_images=rest, duration=100, loop=0, **params)


def _multipage_tiff() -> bytes:
    first, *rest = _frames()
    return _encode(first, "TIFF", save_all=True, append_images=rest)


def _cut(make: Callable[[], bytes], keep: float) -> Writer:
    def cut() -> bytes:
        data = make()
        return data[: max(1, int(len(data) * keep))]
    return _bytes(cut)


def _jpeg_noise() -> bytes:
    return _encode(_noise(), "JPEG", quality=90)


def _png_noise() -> bytes:
    return _encode(_noise(), "PNG")


def _small_png() -> bytes:
    return _encode(Image.new("RGB", (16, 12), RED), "PNG")


def _bad_ihdr_crc() -> bytes:
    return png_bytes(4, 4, 8, 2, zlib.compress(b"\0" + b"\x10" * 12), ihdr_crc=0xDEADBEEF)


def _jpeg_with_dims(width: int, height: int) -> bytes:
    data = bytearray(_encode(Image.new("RGB", (16, 16), RED), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def _gif_with_screen(width: int, height: int) -> bytes:
    data = bytearray(_encode(Image.new("P", (1, 1), 0), "GIF"))
    struct.pack_into("<HH", data, 6, width, height)
    return bytes(data)


def gif_frame_outside_screen(side: int) -> bytes:
    """A 1x1 canvas whose first frame claims side x side: Pillow grows the canvas to fit."""
    data = bytearray(_encode(Image.new("P", (1, 1), 0), "GIF"))
    desc = data.index(b",", 13)
    struct.pack_into("<HHHH", data, desc + 1, 0, 0, side, side)
    return bytes(data)


def _webp_with_dims() -> bytes:
    data = bytearray(_encode(Image.new("RGB", (16, 16), RED), "WEBP", lossless=True))
    at = data.index(b"VP8L") + 8
    assert data[at] == 0x2F
    bits = struct.unpack_from("<I", data, at + 1)[0]
    bits = (bits & ~((1 << 28) - 1)) | 16383 | (16383 << 14)
    struct.pack_into("<I", data, at + 1, bits)
    return bytes(data)


def _bmp_with_dims(width: int, height: int) -> bytes:
    data = bytearray(_encode(Image.new("RGB", (4, 4), RED), "BMP"))
    struct.pack_into("<ii", data, 18, width, height)
    return bytes(data)


def _bmp_corrupt_header() -> bytes:
    data = bytearray(_encode(Image.new("RGB", (4, 4), RED), "BMP"))
    struct.pack_into("<I", data, 14, 7)  # DIB header size that no BMP version has
    return bytes(data)


def _png_zero_width() -> bytes:
    return png_bytes(0, 4, 8, 0, zlib.compress(b"\0" * 4))


def _tiff_bad_ifd() -> bytes:
    return b"II*\x00" + struct.pack("<I", 0x7FFFFFF0) + b"\0" * 32


def _with_icc(icc: bytes) -> Writer:
    return _bytes(lambda: _encode(Image.new("RGB", (16, 16), (200, 60, 30)), "JPEG", quality=95, icc_profile=icc))


def _srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# sRGB's primaries adapted to D50, as ICC matrix profiles store them.
SRGB_RED, SRGB_GREEN, SRGB_BLUE = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
D50 = (0.9642, 1.0, 0.8249)


def icc_matrix_profile(description: str, red, green, blue, gamma: float = 2.2) -> bytes:
    """A minimal ICC v2 RGB matrix/TRC display profile (Pillow can only make sRGB, LAB and XYZ)."""
    def xyz(v) -> bytes:
        return b"XYZ \0\0\0\0" + struct.pack(">3i", *(round(c * 65536) for c in v))

    text = description.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * (4 + 4 + 2 + 1 + 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    tags = [(b"desc", desc), (b"wtpt", xyz(D50)), (b"rXYZ", xyz(red)), (b"gXYZ", xyz(green)),
            (b"bXYZ", xyz(blue)), (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    offset, table, blobs = 128 + 4 + 12 * len(tags), b"", b""
    for sig, blob in tags:
        blob += b"\0" * (-len(blob) % 4)
        table += sig + struct.pack(">II", offset + len(blobs), len(blob))
        blobs += blob
    size = offset + len(blobs)
    header = (struct.pack(">I4sI", size, b"\0" * 4, 0x02100000) + b"mntrRGB XYZ " + b"\0" * 12 + b"acsp"
              + b"\0" * 24 + struct.pack(">I", 0) + struct.pack(">3i", *(round(c * 65536) for c in D50)))
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + blobs


def _swapped_icc() -> bytes:
    """Red and blue primaries exchanged: a stored pure red means blue, so conversion is visible."""
    return icc_matrix_profile("Swapped primaries", SRGB_BLUE, SRGB_GREEN, SRGB_RED)


def _directory(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dangling_link(path: Path) -> None:
    path.symlink_to(path.with_name("nowhere-to-be-found.png"))


def _under_a_file(path: Path) -> None:
    path.parent.write_bytes(_small_png())


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


HTML = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not found</body></html>\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>\n'
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto 10 10 lineto stroke\n%%EOF\n"

DAMAGED = "damaged"
UNSUPPORTED = "not supported"
TOO_BIG = "MP); the limit is 50 MP"

_P = ((2, 2), RED, 0), ((12, 6), BLUE, 0)


CASES: tuple[Case, ...] = (
    # ---- loads: formats and modes ----
    Case("rgb.png", _saved(_solid("RGB", RED), "PNG"), "RGB", (16, 12), (((3, 3), RED, 0),)),
    Case("rgb.jpg", _saved(_solid("RGB", RED), "JPEG", quality=95), "RGB", (16, 12), (((3, 3), RED, 6),)),
    Case("progressive.jpg", _saved(_solid("RGB", BLUE), "JPEG", progressive=True), "RGB", (16, 12),
         (((3, 3), BLUE, 8),)),
    Case("grey.jpg", _saved(_solid("L", 90), "JPEG", quality=95), "RGB", (16, 12), (((3, 3), (90, 90, 90), 2),)),
    Case("cmyk-adobe.jpg", _saved(_solid("CMYK", (255, 0, 0, 0)), "JPEG", quality=95), "RGB", (16, 12),
         (((3, 3), (0, 255, 255), 8),)),
    Case("icc-srgb.jpg", _with_icc(_srgb_icc()), "RGB", (16, 16), (((8, 8), (200, 60, 30), 8),)),
    Case("icc-swapped.png", _saved(_solid("RGB", RED), "PNG", icc_profile=_swapped_icc()), "RGB", (16, 12),
         (((3, 3), BLUE, 6),)),
    Case("icc-swapped-rgba.png", _saved(_solid("RGBA", (*RED, 77)), "PNG", icc_profile=_swapped_icc()), "RGBA",
         (16, 12), (((3, 3), (*BLUE, 77), 6),)),
    Case("icc-garbage.jpg", _with_icc(b"not an icc profile" * 8), "RGB", (16, 16), (((8, 8), (200, 60, 30), 8),)),
    Case("garbage-tail.jpg", _bytes(lambda: _encode(Image.new("RGB", (16, 12), RED), "JPEG") + _random(3000, 3)),
         "RGB", (16, 12), (((3, 3), RED, 8),)),
    Case("png-named.jpg", _bytes(_small_png), "RGB", (16, 12), (((3, 3), RED, 0),)),
    Case("jpeg-named.png", _saved(_solid("RGB", RED), "JPEG"), "RGB", (16, 12), (((3, 3), RED, 8),)),
    Case("no-extension", _bytes(_small_png), "RGB", (16, 12), (((3, 3), RED, 0),)),
    Case("tiny-1x1.png", _saved(_solid("RGB", GREEN, (1, 1)), "PNG"), "RGB", (1, 1), (((0, 0), GREEN, 0),)),
    Case("rgba.png", _saved(_rgba_gradient, "PNG"), "RGBA", (16, 12),
         (((0, 0), (200, 0, 40, 0), 0), ((5, 3), (200, 0, 40, 85), 0), ((15, 11), (200, 0, 40, 255), 0))),
    Case("palette.png", _saved(lambda: _palette(False), "PNG"), "RGB", (16, 12), _P),
    Case("palette-trns.png", _saved(lambda: _palette(True), "PNG"), "RGBA", (16, 12),
         (((1, 1), (0, 0, 0, 0), 0), ((6, 6), (*RED, 255), 0), ((12, 6), (*BLUE, 255), 0))),
    Case("palette-alpha.png", _bytes(_palette_alpha), "RGBA", (16, 12),
         (((2, 2), (*RED, 128), 0), ((12, 6), (*BLUE, 0), 0))),
    Case("palette-trns.gif", _saved(lambda: _palette(True), "GIF", transparency=0), "RGBA", (16, 12),
         (((1, 1), (0, 0, 0, 0), 0), ((6, 6), (*RED, 255), 0))),
    Case("grey.png", _saved(_solid("L", 77), "PNG"), "RGB", (16, 12), (((3, 3), (77, 77, 77), 0),)),
    Case("grey-trns.png", _saved(_solid("L", 77), "PNG", transparency=77), "RGBA", (16, 12),
         (((3, 3), (77, 77, 77, 0), 0),)),
    Case("rgb-trns.png", _saved(_solid("RGB", RED), "PNG", transparency=RED), "RGBA", (16, 12),
         (((3, 3), (*RED, 0), 0),)),
    Case("la.png", _saved(_la, "PNG"), "RGBA", (16, 12), (((2, 2), (90, 90, 90, 60), 0), ((12, 2), (90, 90, 90, 255), 0))),
    Case("bilevel.png", _saved(_bilevel, "PNG"), "RGB", (16, 12), (((2, 2), BLACK, 0), ((12, 2), WHITE, 0))),
    Case("bilevel-g4.tiff", _saved(_bilevel, "TIFF", compression="group4"), "RGB", (16, 12),
         (((2, 2), BLACK, 0), ((12, 2), WHITE, 0))),
    Case("grey16.png", _saved(lambda: Image.fromarray(_grey16_array()), "PNG"), "RGB", (8, 2), _grey16_probes()),
    Case("grey16-trns.png", _bytes(_grey16_trns_png), "RGBA", (8, 2),
         (((0, 0), (0, 0, 0, 255), 0), ((1, 0), (100, 100, 100, 0), 0))),
    Case("rgb16.png", _bytes(lambda: _png_from_array(np.tile(np.array([257 * 10, 257 * 128, 65535]), (3, 5, 1)), 2)),
         "RGB", (5, 3), (((4, 2), (10, 128, 255), 0),)),
    Case("rgba16.png", _bytes(lambda: _png_from_array(np.tile(np.array([257 * 200, 0, 257 * 50, 257 * 128]), (3, 5, 1)), 6)),
         "RGBA", (5, 3), (((1, 1), (200, 0, 50, 128), 0),)),
    Case("grey16.tiff", _saved(lambda: Image.fromarray(_grey16_array()), "TIFF"), "RGB", (8, 2), _grey16_probes()),
    Case("grey16-bigendian.tiff", _bytes(lambda: _grey16_tiff(True)), "RGB", (8, 2), _grey16_probes()),
    Case("int32.tiff", _bytes(_int32_tiff), "RGB", (8, 2), _grey16_probes((0, 100, 255, 10))),
    Case("int32-wide.tiff", _bytes(lambda: _int32_tiff((-5, 0, 100000, 200000))), "RGB", (8, 2),
         _grey16_probes((0, 0, 128, 255))),
    Case("float-nan.tiff", _bytes(lambda: _float_tiff([float("nan"), 0.0, 0.5, float("inf")])), "RGB", (8, 2),
         _grey16_probes((0, 0, 128, 0))),
    Case("float-unit.tiff", _bytes(lambda: _float_tiff([0.0, 0.25, 0.5, 1.0])), "RGB", (8, 2),
         _grey16_probes((0, 64, 128, 255))),
    Case("float-wide.tiff", _bytes(lambda: _float_tiff([-1000.0, 0.0, 500.0, 1000.0])), "RGB", (8, 2),
         _grey16_probes((0, 128, 191, 255))),
    Case("rgb16.tiff", _bytes(_rgb16_tiff), "RGB", (4, 2), (((3, 1), (10, 128, 255), 0),)),
    Case("cmyk.tiff", _saved(_solid("CMYK", (0, 255, 255, 0)), "TIFF"), "RGB", (16, 12), (((3, 3), RED, 0),)),
    Case("lab.tiff", _saved(_solid("LAB", (128, 128, 128)), "TIFF"), "RGB", (16, 12), (((3, 3), (119, 119, 119), 3),)),
    Case("ycbcr.tiff", _saved(_solid("YCbCr", (81, 90, 240)), "TIFF"), "RGB", (16, 12), (((3, 3), (238, 14, 13), 3),)),
    Case("ycbcr-jpeg.tiff", _saved(_solid("YCbCr", (81, 90, 240)), "TIFF", compression="jpeg"), "RGB", (16, 12),
         (((3, 3), (238, 14, 13), 6),)),
    Case("lzw.tiff", _saved(_solid("RGB", GREEN), "TIFF", compression="tiff_lzw"), "RGB", (16, 12), (((3, 3), GREEN, 0),)),
    Case("multipage.tiff", _bytes(_multipage_tiff), "RGB", (20, 10), (((5, 5), RED, 0),)),
    Case("bmp24.bmp", _saved(_solid("RGB", BLUE), "BMP"), "RGB", (16, 12), (((3, 3), BLUE, 0),)),
    Case("bmp8.bmp", _saved(lambda: _palette(False), "BMP"), "RGB", (16, 12), _P),
    Case("lossless-alpha.webp", _saved(_rgba_gradient, "WEBP", lossless=True, exact=True), "RGBA", (16, 12),
         (((5, 3), (200, 0, 40, 85), 0), ((15, 11), (200, 0, 40, 255), 0))),
    Case("lossy.webp", _saved(_solid("RGB", RED), "WEBP", quality=90), "RGB", (16, 12), (((3, 3), RED, 12),)),
    Case("animated.gif", _bytes(lambda: _animated("GIF")), "RGB", (20, 10), (((5, 5), RED, 0),)),
    Case("animated.webp", _bytes(lambda: _animated("WEBP", lossless=True)), "RGBA", (20, 10), (((5, 5), (*RED, 200), 0),)),
    Case("animated.png", _bytes(lambda: _animated("PNG")), "RGB", (20, 10), (((5, 5), RED, 0),)),
    # ---- loads: EXIF orientation, every value, and broken EXIF ----
    *(Case(f"exif-{o}.jpg", _oriented(o, "JPEG", quality=95), "RGB", (48, 32), MARKER_PROBES) for o in range(1, 9)),
    Case("exif-6.png", _oriented(6, "PNG"), "RGB", (48, 32), MARKER_PROBES),
    Case("exif-8.webp", _oriented(8, "WEBP", lossless=True), "RGB", (48, 32), MARKER_PROBES),
    Case("exif-5.tiff", _oriented(5, "TIFF"), "RGB", (48, 32), MARKER_PROBES),
    Case("exif-7-lzw.tiff", _oriented(7, "TIFF", compression="tiff_lzw"), "RGB", (48, 32), MARKER_PROBES),
    Case("exif-junk.jpg", _broken_exif(b"Exif\x00\x00" + _random(200, 5)), "RGB", (32, 48)),
    Case("exif-bad-offset.jpg", _broken_exif(b"Exif\x00\x00II*\x00\xf0\xff\xff\x7f" + b"\0" * 16), "RGB", (32, 48)),
    Case("exif-truncated-ifd.jpg", _broken_exif(b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x7f\xff\x01\x12\x00\x03"),
         "RGB", (32, 48)),
    Case("exif-orientation-99.jpg", _bytes(lambda: _exif_value(99)), "RGB", (32, 48)),
    # ---- fails: empty, truncated, not an image ----
    Case("zero.png", _bytes(b""), error="empty"),
    Case("one-byte.jpg", _bytes(b"\xff"), error="not an image"),
    Case("truncated.jpg", _cut(_jpeg_noise, 0.5), error=DAMAGED),
    Case("truncated.png", _cut(_png_noise, 0.5), error=DAMAGED),
    Case("truncated-header.png", _cut(_png_noise, 0.001), error="header is damaged"),
    Case("truncated.gif", _cut(lambda: _encode(_noise(), "GIF"), 0.5), error=DAMAGED),
    Case("truncated.webp", _cut(lambda: _encode(_noise(), "WEBP"), 0.5), error=DAMAGED),
    Case("truncated.tiff", _cut(lambda: _encode(_noise(), "TIFF"), 0.5), error=DAMAGED),
    Case("truncated.bmp", _cut(lambda: _encode(_noise(), "BMP"), 0.5), error=DAMAGED),
    Case("only-soi-eoi.jpg", _bytes(b"\xff\xd8\xff\xd9"), error=DAMAGED),
    Case("gif-header-only.gif", _bytes(b"GIF89a"), error=DAMAGED),
    Case("bad-ihdr-crc.png", _bytes(_bad_ihdr_crc), error="header is damaged"),
    Case("zero-width.png", _bytes(_png_zero_width), error=DAMAGED),
    Case("corrupt-header.bmp", _bytes(_bmp_corrupt_header), error="header is damaged"),
    Case("bad-ifd.tiff", _bytes(_tiff_bad_ifd), error=DAMAGED),
    Case("page.png", _bytes(HTML), error="a web page (HTML)"),
    Case("notes.jpg", _bytes(b"Shopping list:\n- eggs\n- milk\n"), error="not an image"),
    Case("random.png", _bytes(lambda: _random(4096, 1)), error="not an image"),
    Case("evil\nname\x1b[31m.png", _bytes(HTML), error="a web page (HTML)", shown_name="evil?name?[31m.png"),
    # ---- fails: decompression bombs and huge declared sizes ----
    Case("bomb-30000.png", _bytes(lambda: _png_bomb(30000, 30000)), error="30000×30000 pixels (900 MP); the limit is 50 MP"),
    Case("bomb-just-over.png", _bytes(lambda: _png_bomb(7072, 7071)), error="7072×7071 pixels (50.01 MP)"),
    Case("huge.jpg", _bytes(lambda: _jpeg_with_dims(60000, 60000)), error=TOO_BIG),
    Case("huge.tiff", _bytes(lambda: tiff_bytes(100000, 100000, 8, 1, 1, b"\0" * 64)), error=TOO_BIG),
    Case("huge.bmp", _bytes(lambda: _bmp_with_dims(50000, 50000)), error=TOO_BIG),
    Case("huge.webp", _bytes(_webp_with_dims), error="larger than the pixel limit"),
    Case("huge-screen.gif", _bytes(lambda: _gif_with_screen(65535, 65535)), error=TOO_BIG),
    Case("frame-400mp.gif", _bytes(lambda: gif_frame_outside_screen(20000)), error="larger than the pixel limit"),
    Case("frame-100mp.gif", _bytes(lambda: gif_frame_outside_screen(10000)), error="larger than the pixel limit"),
    # ---- fails: formats we refuse even when Pillow could read them ----
    Case("layers.psd", _bytes(_psd_bytes), error="a Photoshop document (PSD)"),
    Case("favicon.ico", _saved(_solid("RGBA", RED, (32, 32)), "ICO"), error="Windows icon (ICO)"),
    Case("figure.eps", _bytes(EPS), error="PostScript file (EPS)"),
    Case("scan.pdf", _saved(_solid("RGB", RED), "PDF"), error="a PDF document"),
    Case("drawing.svg", _bytes(SVG), error="an SVG drawing"),
    Case("drawing-as.png", _bytes(SVG), error="an SVG drawing"),
    Case("iphone.heic", _bytes(HEIC), error="a HEIC photo"),
    Case("photo.jp2", _saved(_solid("RGB", RED), "JPEG2000"), error="a JPEG 2000 image"),
    Case("image.ppm", _saved(_solid("RGB", RED), "PPM"), error="not an image"),
    Case("image.tga", _saved(_solid("RGB", RED), "TGA"), error="not an image"),
    # ---- fails: not a readable file ----
    Case("missing.png", None, error="does not exist", regular_file=False),
    Case("folder.png", _directory, error="folder", regular_file=False),
    Case("pipe.png", _fifo, error="not a regular file", regular_file=False),
    Case("dangling-link.png", _dangling_link, error="does not exist", regular_file=False),
    Case("a-file.png/child.png", _under_a_file, error="does not exist", regular_file=False),
)


def _exif_value(value: int) -> bytes:
    stored = np.ascontiguousarray(STORED_FOR_ORIENTATION[6](marker_image()))
    exif = Image.Exif()
    exif[0x0112] = value
    return _encode(Image.fromarray(stored), "JPEG", exif=exif)


def write_corpus(directory: Path) -> dict[str, Path]:
    """Write every case under *directory*; returns name -> path (absent paths included)."""
    paths = {}
    for case in CASES:
        path = directory / case.name
        if case.write is not None:
            case.write(path)
        paths[case.name] = path
    return paths
