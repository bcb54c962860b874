"""Property tests: whatever bytes arrive, load_image returns RGB(A) or raises ImageLoadError."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from stickerstudio_desktop.errors import ImageLoadError
from stickerstudio_desktop.imaging import load_image

# Small limit: a flipped size field must not make one example decode hundreds of megapixels.
LIMIT = 1_000_000
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

MAGIC = [
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"\xff\xd8\xff\xdb", b"GIF87a", b"GIF89a",
    b"BM", b"II*\x00", b"MM\x00*", b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"RIFF\x00\x00\x00\x00WEBPVP8L",
    b"RIFF\x00\x00\x00\x00WEBPVP8X",
]


def _seed(fmt: str) -> bytes:
    """A small valid file with some structure (alpha, palette or EXIF) for flips to damage."""
    im = Image.new("RGBA", (24, 16), (200, 30, 90, 160))
    im.paste((10, 220, 40, 255), (0, 0, 12, 8))
    params: dict = {}
    if fmt in ("JPEG", "BMP"):
        im = im.convert("RGB")
        exif = Image.Exif()
        exif[0x0112] = 6
        params = {"exif": exif} if fmt == "JPEG" else {}
    elif fmt == "GIF":
        im = im.convert("P")
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


SEEDS = {fmt: _seed(fmt) for fmt in ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF")}


def _loads_or_refuses(data: bytes) -> None:
    try:
        im = load_image(data, max_pixels=LIMIT)
    except ImageLoadError as exc:
        message = str(exc)
        assert message.splitlines() == [message] and message.endswith(".")
        return
    assert im.mode in ("RGB", "RGBA")
    assert 0 < im.width * im.height <= LIMIT
    im.tobytes()  # the pixels really are there


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    _loads_or_refuses(data)


@FUZZ
@given(st.sampled_from(MAGIC), st.binary(max_size=2048))
def test_random_bytes_behind_a_known_magic(magic: bytes, tail: bytes) -> None:
    _loads_or_refuses(magic + tail)


@FUZZ
@given(st.sampled_from(sorted(SEEDS)), st.data())
def test_valid_files_with_flipped_bytes(fmt: str, draw: st.DataObject) -> None:
    data = bytearray(SEEDS[fmt])
    flips = draw.draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), min_size=1, max_size=8))
    for at, value in flips:
        data[at] = value
    _loads_or_refuses(bytes(data))


@FUZZ
@given(st.sampled_from(sorted(SEEDS)), st.floats(0.0, 1.0, exclude_max=True))
def test_valid_files_cut_anywhere(fmt: str, keep: float) -> None:
    data = SEEDS[fmt]
    _loads_or_refuses(data[: int(len(data) * keep)])


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_seeds_themselves_load(fmt: str) -> None:
    """Without this, the flip tests could pass on seeds that never loaded at all."""
    im = load_image(SEEDS[fmt])
    assert im.mode in ("RGB", "RGBA") and im.width * im.height == 24 * 16
