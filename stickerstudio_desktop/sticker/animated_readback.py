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

    @property
    def frames(self) -> int:
        return len(self.durations_ms)

    @property
    def duration_ms(self) -> int:
        return sum(self.durations_ms)


def read_back(data: bytes, fmt: str) -> DecodedAnimation:
    """Decode *data* written as *fmt* ("WEBP", "APNG", "WEBM"); ExportError if it does not decode."""
    try:
        if fmt == "WEBM":
            return _read_webm(data)
        return _read_pillow(data, fmt)
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a bad file
        raise ExportError(f"The encoded {fmt} sticker could not be read back ({exc}).") from None


def _read_pillow(data: bytes, fmt: str) -> DecodedAnimation:
    with Image.open(io.BytesIO(data)) as im:
        durations, transparent = [], False
        for index in range(getattr(im, "n_frames", 1)):
            im.seek(index)
            im.load()
            durations.append(int(round(im.info.get("duration", 0))))
            if not transparent:
                transparent = im.convert("RGBA").getextrema()[3][0] < 255
        codec = "apng" if im.format == "PNG" else str(im.format).lower()
        return DecodedAnimation(str(im.format), codec, im.size, tuple(durations), transparent,
                                loop=im.info.get("loop"))


def _read_webm(data: bytes) -> DecodedAnimation:
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
        starts, transparent = [], False
        for packet in box.demux(stream):
            if packet.size == 0:  # the demuxer's end-of-stream marker: libvpx is flushed below
                continue
            for frame in decoder.decode(packet):
                starts.append(frame.pts * stream.time_base * 1000)
                if not transparent and frame.format.name.startswith("yuva"):
                    transparent = int(frame.to_ndarray(format="rgba")[..., 3].min()) < 255
        for frame in decoder.decode(None):
            starts.append(frame.pts * stream.time_base * 1000)
    marks = [round(s) for s in starts] + [total_ms]
    durations = tuple(b - a for a, b in zip(marks, marks[1:]))
    return DecodedAnimation("webm", codec, size, durations, transparent, streams=streams, loop=None)
