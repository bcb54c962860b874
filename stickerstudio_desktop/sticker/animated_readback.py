"""Decode animated sticker bytes back into what a platform's checker sees.

The animated presets never trust their encoder: the bytes are read back with
Pillow (WebP, APNG) or PyAV (WEBM) and the result is compared with the rules.
Kept apart from the encoder so the check and the tests use one decoder.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from ..errors import ExportError


@dataclass(frozen=True)
class DecodedAnimation:
    container: str  # what the decoder says the file is: "WEBP", "PNG" (APNG), "webm"
    codec: str  # "webp", "apng", "vp9"
    size: tuple[int, int]
    durations_ms: tuple[int, ...]
    transparent: bool  # some decoded pixel is see-through
    streams: int = 1  # all streams in the container (audio included)
    loop: int | None = 0  # 0 = forever; None where the container has no loop count (WEBM loops in players)
    images: tuple[Image.Image, ...] = ()  # the RGBA frames, when asked for

    @property
    def frames(self) -> int:
        return len(self.durations_ms)

    @property
    def duration_ms(self) -> int:
        return sum(self.durations_ms)


def sniff(data: bytes) -> str | None:
    """The animated format *data* would be by its first bytes: "WEBP", "APNG" (any PNG), "WEBM", or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "APNG"
    if data[:4] == b"\x1a\x45\xdf\xa3":  # EBML, the Matroska/WebM header
        return "WEBM"
    return None


def is_animated_file(data: bytes) -> bool:
    """Whether *data* is a sticker that moves: any WEBM, or a WebP/PNG with more than one frame."""
    fmt = sniff(data)
    if fmt == "WEBM":
        return True
    if fmt is None:
        return False
    try:
        with Image.open(io.BytesIO(data)) as im:
            return bool(getattr(im, "is_animated", False))
    except Exception:  # noqa: BLE001 - undecodable: the still checks will say why
        return False


def read_back(data: bytes, fmt: str, *, keep_frames: bool = False) -> DecodedAnimation:
    """Decode *data* written as *fmt* ("WEBP", "APNG", "WEBM"); ExportError if it does not decode."""
    try:
        if fmt == "WEBM":
            return _read_webm(data, keep_frames)
        return _read_pillow(data, keep_frames)
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a bad file
        raise ExportError(f"The encoded {fmt} sticker could not be read back ({exc}).") from None


def _read_pillow(data: bytes, keep_frames: bool) -> DecodedAnimation:
    with Image.open(io.BytesIO(data)) as im:
        durations, transparent, images = [], False, []
        for index in range(getattr(im, "n_frames", 1)):
            im.seek(index)
            im.load()
            durations.append(int(round(im.info.get("duration", 0))))
            if not transparent or keep_frames:
                rgba = im.convert("RGBA")
                transparent = transparent or rgba.getextrema()[3][0] < 255
                if keep_frames:
                    images.append(rgba)
        codec = "apng" if im.format == "PNG" else str(im.format).lower()
        return DecodedAnimation(str(im.format), codec, im.size, tuple(durations), transparent,
                                loop=im.info.get("loop"), images=tuple(images))


def _read_webm(data: bytes, keep_frames: bool) -> DecodedAnimation:
    import av  # PyAV loads ffmpeg: only when a WEBM is actually checked

    with av.open(io.BytesIO(data), "r") as box:
        if not box.streams.video:
            raise ExportError("The encoded WEBM sticker has no video stream.")
        stream = box.streams.video[0]
        codec = stream.codec_context.name
        streams = len(box.streams)
        total_ms = round((box.duration or 0) / 1000)  # container duration is in µs
        size = (stream.codec_context.width, stream.codec_context.height)
        # PyAV's native vp9 decoder drops the alpha plane; libvpx reads it from the block additions
        decoder = av.codec.CodecContext.create("libvpx-vp9", "r") if codec == "vp9" else stream.codec_context
        starts, transparent, images = [], False, []
        for packet in [p for p in box.demux(stream) if p.size] + [None]:  # None flushes libvpx
            for frame in decoder.decode(packet):
                starts.append(frame.pts * stream.time_base * 1000)
                if keep_frames or (not transparent and frame.format.name.startswith("yuva")):
                    rgba = frame.to_ndarray(format="rgba")
                    transparent = transparent or int(rgba[..., 3].min()) < 255
                    if keep_frames:
                        images.append(Image.fromarray(rgba, "RGBA"))
    marks = [round(s) for s in starts] + [total_ms]
    durations = tuple(b - a for a, b in zip(marks, marks[1:]))
    return DecodedAnimation("webm", codec, size, durations, transparent, streams=streams, loop=None,
                            images=tuple(images))
