"""WhatsApp's sticker EXIF: the pack and emojis as JSON in the WebP's EXIF chunk.

WhatsApp's own stickers carry this block (tag 0x5741, "WA"), and apps that
share stickers read the emojis from it. It is added to the RIFF container
without decoding or re-encoding the image, so the pixels and their quality
stay exactly what the preset produced.
"""

from __future__ import annotations

import io
import json
import struct
from typing import Any

from PIL import Image

from ..errors import ExportError

#: The EXIF tag WhatsApp keeps its sticker JSON under.
STICKER_TAG = 0x5741
_VP8X_EXIF = 0x08
_VP8X_ALPHA = 0x10


def sticker_exif(identifier: str, name: str, publisher: str, emojis: list[str]) -> bytes:
    """A little-endian TIFF block with one UNDEFINED entry holding the sticker JSON."""
    payload = json.dumps({"sticker-pack-id": identifier, "sticker-pack-name": name,
                          "sticker-pack-publisher": publisher, "emojis": emojis},
                         ensure_ascii=False).encode()
    header = b"II*\x00" + struct.pack("<I", 8)
    ifd = struct.pack("<H", 1) + struct.pack("<HHII", STICKER_TAG, 7, len(payload), 8 + 2 + 12 + 4)
    return header + ifd + struct.pack("<I", 0) + payload


def chunk_size(exif: bytes) -> int:
    """Bytes the EXIF chunk adds to a WebP (at most 18 more for the VP8X header it may need)."""
    return 8 + len(exif) + (len(exif) & 1) + 18


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ExportError("The sticker is not a WebP file, so its emojis cannot be written into it.")
    out, pos = [], 12
    while pos + 8 <= len(data):
        fourcc, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        out.append((fourcc, data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return out


def _riff(chunks: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(c + struct.pack("<I", len(d)) + d + (b"\x00" if len(d) & 1 else b"") for c, d in chunks)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def add_exif(webp: bytes, exif: bytes, size: tuple[int, int]) -> bytes:
    """*webp* with *exif* as its EXIF chunk (replacing any), in the extended (VP8X) layout it needs."""
    chunks = [(c, d) for c, d in _chunks(webp) if c != b"EXIF"]
    if chunks[0][0] == b"VP8X":
        flags = chunks[0][1][0] | _VP8X_EXIF
        chunks[0] = (b"VP8X", bytes([flags]) + chunks[0][1][1:])
    else:
        image = chunks[0]
        alpha = image[0] == b"VP8L" and len(image[1]) >= 5 and bool(image[1][4] & 0x10)
        w, h = size[0] - 1, size[1] - 1
        vp8x = bytes([_VP8X_EXIF | (_VP8X_ALPHA if alpha else 0), 0, 0, 0]) + w.to_bytes(3, "little") \
            + h.to_bytes(3, "little")
        chunks.insert(0, (b"VP8X", vp8x))
    return _riff([*chunks, (b"EXIF", exif)])


def read_sticker_json(webp: bytes) -> dict[str, Any]:
    """The sticker JSON a WebP carries; ExportError when there is none (how exports check themselves)."""
    with Image.open(io.BytesIO(webp)) as im:
        raw = im.getexif().get(STICKER_TAG)
    if not raw:
        raise ExportError("The WebP sticker carries no WhatsApp emoji EXIF.")
    return json.loads(raw if isinstance(raw, (bytes, str)) else bytes(raw))
