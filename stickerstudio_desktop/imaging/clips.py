"""Reading clips: animated GIF / WebP / PNG (Pillow) and MP4 / MOV / WebM (PyAV) into frames.

The one entry point for moving input, hardened like ``load_image``: the file is
probed cheaply (streams, duration, frame count) before anything is decoded, the
trim, speed and frame-rate cap are applied while decoding, and frames are scaled
down to ``CLIP_WORK_SIDE`` as they arrive, so memory stays bounded by
``MAX_FRAMES`` small frames whatever the file claims. Every refusal is one
sentence (``ClipError``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from PIL import Image, ImageSequence

from ..errors import ClipError
from .suffixes import VIDEO_SUFFIXES

#: Longest side a decoded frame keeps: stickers are 512 px, and the cut-out works at this size.
CLIP_WORK_SIDE = 512
#: A clip may be this long untrimmed; a longer file (a 4-hour recording) needs --start/--end.
MAX_UNTRIMMED_S = 60.0
#: The trimmed part may be at most this long: no sticker platform allows more than 10 s.
MAX_WINDOW_S = 60.0
#: Frames kept after trim and frame-rate cap; beyond this the clip is refused (use --fps or trim).
MAX_FRAMES = 300
#: Larger files are refused before reading.
MAX_CLIP_BYTES = 512 * 1024 * 1024
#: A frame shorter than this (GIF's "0 ms" frames) is shown for this long, as browsers do.
MIN_FRAME_MS = 20
#: Pillow formats that may hold an animation.
_ANIMATED_FORMATS = ("GIF", "WEBP", "PNG")
#: What Pillow raises on a file it cannot read. ImportError too: a library that patches
#: Image.open (ultralytics does, in the same process as the trainer) may try to load a decoder
#: plugin that is not installed when Pillow cannot identify a file.
_UNREADABLE = (OSError, ValueError, SyntaxError, EOFError, ImportError)


@dataclass(frozen=True)
class ClipInfo:
    """What a cheap look at the file says, before decoding."""

    name: str
    kind: str  # "video" or the Pillow format ("GIF", "WEBP", "PNG")
    size: tuple[int, int]  # (w, h) of the stored frames
    duration_s: float
    frame_count: int | None  # None when the container does not say
    has_alpha: bool


@dataclass(frozen=True)
class Clip:
    """Decoded frames (RGB or RGBA, all one size) with how long each is shown."""

    frames: tuple[Image.Image, ...]
    durations_ms: tuple[int, ...]
    info: ClipInfo
    start_s: float  # where in the file the frames begin (after trim)

    @property
    def duration_ms(self) -> int:
        return sum(self.durations_ms)


def is_animated_image(path: Path) -> bool:
    """True for a GIF / WebP / PNG with more than one frame (read from the header, not decoded)."""
    try:
        with Image.open(path) as im:
            return im.format in _ANIMATED_FORMATS and getattr(im, "n_frames", 1) > 1
    except (*_UNREADABLE, Image.DecompressionBombError):
        return False


def is_clip(path: Path) -> bool:
    """Does *path* go to the animated path: a video by its suffix, or an image with several frames."""
    return path.suffix.lower() in VIDEO_SUFFIXES or is_animated_image(path)


def probe_clip(path: str | Path) -> ClipInfo:
    """Streams, size and duration without decoding a frame; ClipError for what is not a clip."""
    path = Path(path)
    _check_file(path)
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return _probe_video(path)
    return _probe_image(path)


def load_clip(path: str | Path, *, start: float | None = None, end: float | None = None, speed: float = 1.0,
              max_fps: float | None = None, max_side: int = CLIP_WORK_SIDE) -> Clip:
    """Frames of [start, end) seconds of the file, played at *speed*, at most *max_fps* frames a second.

    The cap drops frames but keeps timing (a dropped frame's time goes to the frame before it), so
    the clip lasts as long as before; *speed* 2 plays it twice as fast.
    """
    info = probe_clip(path)
    start, end = _check_window(info, start, end, speed, max_fps)
    frames: list[Image.Image] = []
    durations: list[float] = []
    slot = 1000.0 / max_fps if max_fps else 0.0
    next_keep = 0.0
    source = _video_frames(Path(path), start) if info.kind == "video" else _image_frames(Path(path), info)
    for t, dur, image in source:  # t, dur in source seconds
        if t + dur <= start:
            continue
        if t >= end:
            break
        shown = (min(t + dur, end) - max(t, start)) * 1000.0 / speed
        at = (max(t, start) - start) * 1000.0 / speed
        if frames and at + 1e-6 < next_keep:
            durations[-1] += shown  # dropped by the frame-rate cap: its time stays in the clip
            continue
        if len(frames) >= MAX_FRAMES:
            raise ClipError(f"{info.name} has more than {MAX_FRAMES} frames in the part chosen; "
                            f"trim it with --start/--end or lower --fps.")
        frames.append(_small(image(), max_side, info.has_alpha))
        durations.append(shown)
        next_keep = max(next_keep + slot, at) if slot else 0.0
    if not frames:
        raise ClipError(f"{info.name} has no frames between {start:g} s and {end:g} s.")
    return Clip(tuple(frames), _whole_ms(durations), info, start)


# --- limits ----------------------------------------------------------------


def _check_file(path: Path) -> None:
    try:
        if not path.is_file():
            raise ClipError(f"{path.name} does not exist or is not a file.")
        if path.stat().st_size > MAX_CLIP_BYTES:
            raise ClipError(f"{path.name} is larger than {MAX_CLIP_BYTES >> 20} MB; trim it before making a sticker.")
    except PermissionError:
        raise ClipError(f"{path.name} cannot be read: permission denied.") from None


def _check_window(info: ClipInfo, start: float | None, end: float | None, speed: float,
                  max_fps: float | None) -> tuple[float, float]:
    if not (math.isfinite(speed) and 0.1 <= speed <= 10):
        raise ClipError(f"Speed must be between 0.1 and 10, not {speed:g}.")
    if max_fps is not None and not (math.isfinite(max_fps) and 1 <= max_fps <= 60):
        raise ClipError(f"The frame rate must be between 1 and 60 frames a second, not {max_fps:g}.")
    if start is None and end is None and info.duration_s > MAX_UNTRIMMED_S:
        raise ClipError(f"{info.name} is {_clock(info.duration_s)} long; choose the part you want with "
                        f"--start and --end (at most {MAX_WINDOW_S:g} s).")
    lo = 0.0 if start is None else float(start)
    hi = info.duration_s if end is None else min(float(end), info.duration_s)
    if not (math.isfinite(lo) and lo >= 0):
        raise ClipError(f"The start must be a time in seconds from 0, not {start!r}.")
    if lo >= info.duration_s:
        raise ClipError(f"{info.name} is only {info.duration_s:.1f} s long, so it cannot start at {lo:g} s.")
    if hi <= lo:
        raise ClipError(f"The end ({end:g} s) must come after the start ({lo:g} s).")
    if hi - lo > MAX_WINDOW_S:
        raise ClipError(f"The part chosen is {hi - lo:.0f} s long; stickers are short, choose at most "
                        f"{MAX_WINDOW_S:g} s with --start and --end.")
    return lo, hi


def _clock(seconds: float) -> str:
    h, rest = divmod(int(seconds), 3600)
    return f"{h} h {rest // 60} min" if h else f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.1f} s"


# --- Pillow: GIF, animated WebP, APNG -----------------------------------------


def _probe_image(path: Path) -> ClipInfo:
    try:
        with Image.open(path) as im:
            if im.format not in _ANIMATED_FORMATS:
                raise ClipError(f"{path.name} is a {im.format} image, not a clip.")
            count = getattr(im, "n_frames", 1)
            if count < 1:
                raise ClipError(f"{path.name} has no frames.")
            total = 0.0
            for frame in ImageSequence.Iterator(im):
                frame.load()  # WebP states a frame's duration only once it is read
                total += _frame_ms(frame.info.get("duration"))
            alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
            return ClipInfo(path.name, im.format, im.size, total / 1000.0, count, alpha)
    except ClipError:
        raise
    except Image.DecompressionBombError:
        raise ClipError(f"{path.name} has frames too large to be a sticker clip.") from None
    except (*_UNREADABLE, IndexError) as exc:
        raise ClipError(f"{path.name} cannot be read as a clip ({_reason(exc)}).") from None


def _image_frames(path: Path, info: ClipInfo) -> Iterator[tuple[float, float, Callable[[], Image.Image]]]:
    try:
        with Image.open(path) as im:
            t = 0.0
            for frame in ImageSequence.Iterator(im):
                frame.load()
                dur = _frame_ms(frame.info.get("duration")) / 1000.0
                mode = "RGBA" if info.has_alpha else "RGB"
                yield t, dur, (lambda f=frame, m=mode: f.convert(m))
                t += dur
    except _UNREADABLE as exc:
        raise ClipError(f"{path.name} is damaged part-way through ({_reason(exc)}).") from None


def _frame_ms(value) -> float:
    try:
        ms = float(value)
    except (TypeError, ValueError):
        ms = 100.0
    return ms if math.isfinite(ms) and ms >= MIN_FRAME_MS else float(MIN_FRAME_MS if ms > 0 else 100)


# --- PyAV: MP4, MOV, WebM, MKV ----------------------------------------------


def _probe_video(path: Path) -> ClipInfo:
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as box:
            if not box.streams.video:
                raise ClipError(f"{path.name} has no video stream (is it a sound file?).")
            st = box.streams.video[0]
            w, h = st.codec_context.width, st.codec_context.height
            if not (w and h):
                raise ClipError(f"{path.name} has a video stream without a picture size; it is damaged.")
            if st.duration is not None and st.time_base:
                duration = float(st.duration * st.time_base)
            elif box.duration:
                duration = box.duration / 1_000_000
            else:
                raise ClipError(f"{path.name} does not say how long it is; it is damaged or still being written.")
            # Videos are read as opaque: the cut-out finds the subject in every frame anyway.
            return ClipInfo(path.name, "video", (w, h), duration, st.frames or None, False)
    except ClipError:
        raise
    except av.FFmpegError as exc:
        raise ClipError(f"{path.name} cannot be read as a video ({_reason(exc)}).") from None


def _video_frames(path: Path, start: float) -> Iterator[tuple[float, float, Callable[[], Image.Image]]]:
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as box:
            st = box.streams.video[0]
            st.thread_type = "AUTO"
            rate = float(st.average_rate or st.guessed_rate or 25)
            if start > 0:
                box.seek(int(start / st.time_base), stream=st, backward=True, any_frame=False)
            pending = None
            for frame in box.decode(st):
                if frame.time is None:
                    continue
                if pending is not None:
                    t0, f0 = pending
                    yield t0, max(1e-3, frame.time - t0), (lambda f=f0: f.to_image())
                pending = (frame.time, frame)
            if pending is not None:
                yield pending[0], 1.0 / rate, (lambda f=pending[1]: f.to_image())
    except av.FFmpegError as exc:
        raise ClipError(f"{path.name} is damaged part-way through ({_reason(exc)}).") from None


# --- helpers ---------------------------------------------------------------


def _small(image: Image.Image, max_side: int, alpha: bool) -> Image.Image:
    image = image.convert("RGBA" if alpha else "RGB")
    scale = max_side / max(image.size)
    if scale < 1:
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.LANCZOS)
    return image


def _whole_ms(durations: list[float]) -> tuple[int, ...]:
    """Milliseconds as whole numbers whose sum stays the rounded total (no drift over many frames)."""
    out, acc, done = [], 0.0, 0
    for d in durations:
        acc += d
        ms = max(1, round(acc) - done)
        out.append(ms)
        done += ms
    return tuple(out)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]
