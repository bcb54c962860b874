"""Animated stickers out: fit a clip's frames to a platform and encode them, checked.

Each preset's animated rules live on the preset (presets.AnimatedSpec). The fit
searches one ladder, best first, of (frame rate, quality) steps for the first
within the byte budget (see _fit), then the sharpest quality at that rate;
Signal may also shrink. A lower
frame rate merges or drops frames but keeps every frame's place in time, so the
total running time never changes: a clip is never sped up to fit. A clip longer
than the platform allows is refused; callers trim it (see AnimationLimits).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np
from PIL import Image

from ..errors import ExportError
from .animated_readback import read_back, sniff
from .presets import (
    WEBP_QUALITIES,
    AnimatedSpec,
    AnimationLimits,
    EncodedSticker,
    Preset,
    fit_size,
    get_preset,
    resize_contain,
    verify_encoded,
)

__all__ = ["Animation", "AnimationLimits", "animation_limits", "decode_animation", "encode_animation"]

#: libwebp effort for animations: method 2 is ~1.5× faster than the stills' method 4 for ~2.5 % more
#: bytes (30 frames of the Grace Hopper clip: 0.81 s, 698 KB against 1.25 s, 681 KB), and a fit may
#: encode a clip several times.
ANIMATED_WEBP_METHOD = 2
#: Frame rates tried below the clip's own, fastest first.
FPS_STEPS = (30.0, 25.0, 20.0, 15.0, 12.0, 10.0, 8.0, 6.0, 5.0)
#: Qualities at or above this index keep the clip sharp; the fit drops frame rate before going lower.
SHARP_QUALITIES = 6  # WEBP q80…q55, VP9 crf 24…44, APNG lossless…64 colours
#: VP9 constant-quality levels, best first (0–63; lower is better).
VP9_CRFS = (24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 63)
#: libvpx speed: realtime at cpu-used 8 is ~9× faster than "good" at cpu-used 5 for ~20 % more bytes
#: (60 frames at 512², crf 24: 0.62 s, 520 KB against 5.4 s, 426 KB); a fit encodes several times;
#: no alt-ref frames and no lag, so packets come out in frame order (their durations are set from it).
VP9_OPTIONS = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "auto-alt-ref": "0", "lag-in-frames": "0"}
#: APNG palette sizes, best first: 0 is lossless RGBA; the others share one palette across the clip.
APNG_COLOURS = (0, 256, 192, 128, 96, 64, 48, 32, 16)
#: zlib level for APNG: 6 is 2.5-4x faster than 9 for 1-3 % more bytes (44 frames of the Grace Hopper
#: clip at 512²: 2.8 s against 7.0 s lossless, 0.33 s against 1.23 s on 128 colours).
APNG_COMPRESS_LEVEL = 6
#: Sides tried where the platform takes smaller stickers (Signal), as fractions of its side.
SHRINK_STEPS = (1.0, 0.8, 0.64, 0.5)


@dataclass(frozen=True)
class Animation:
    """Frames and how long each is shown; ExportError at construction if they do not make a clip."""
    frames: tuple[Image.Image, ...]  # RGBA, all the same size
    durations_ms: tuple[int, ...]  # one per frame, each >= 1

    def __post_init__(self) -> None:
        frames, durations = tuple(self.frames), tuple(int(d) for d in self.durations_ms)
        if not frames:
            raise ExportError("The animation has no frames.")
        if len(durations) != len(frames):
            raise ExportError(f"The animation has {len(frames)} frames but {len(durations)} frame times.")
        if min(durations) < 1:
            raise ExportError("Every frame of the animation must be shown for at least 1 ms.")
        if any(not isinstance(f, Image.Image) for f in frames):
            raise ExportError("An animation frame is not an image.")
        if len({f.size for f in frames}) != 1 or min(frames[0].size) < 1:
            raise ExportError("The animation's frames are not all the same size.")
        frames = tuple(f if f.mode == "RGBA" else f.convert("RGBA") for f in frames)
        object.__setattr__(self, "frames", frames)
        object.__setattr__(self, "durations_ms", durations)

    @property
    def duration_ms(self) -> int:
        return sum(self.durations_ms)

    @property
    def size(self) -> tuple[int, int]:
        return self.frames[0].size


def animation_limits(preset: str | Preset) -> AnimationLimits:
    """The preset's limits for a clip; ExportError if it makes still stickers only."""
    return _spec(get_preset(preset)).limits


def encode_animation(animation: Animation, preset: str | Preset) -> EncodedSticker:
    """Encode *animation* for *preset* within its rules, decoded and checked; ExportError if it cannot fit."""
    preset = get_preset(preset)
    spec = _spec(preset)
    limits = spec.limits
    if animation.duration_ms > limits.max_duration_ms:
        raise ExportError(f"The clip runs {animation.duration_ms / 1000:.2f} s but {preset.name} takes at most "
                          f"{limits.max_duration_ms / 1000:g} s; trim it (it is never sped up to fit).")
    if animation.duration_ms < limits.min_frame_ms:
        raise ExportError(f"The clip runs {animation.duration_ms} ms, shorter than one {preset.name} frame "
                          f"({limits.min_frame_ms} ms).")
    if animation.frames[0].getextrema()[3][1] == 0:
        raise ExportError("The first frame of the animation is empty; it is the sticker's preview.")
    transparent = any(f.getextrema()[3][0] < 255 for f in animation.frames)
    base = fit_size(spec.size_rule, spec.side, *animation.size)
    sizes = [base]
    if spec.may_shrink:
        sizes += [s for s in (fit_size("max", round(max(base) * k), *base) for k in SHRINK_STEPS[1:]) if s != base]
    smallest: int | None = None
    for size in sizes:
        found, tried_smallest = _fit(_scaled(animation, size), spec, transparent)
        if found is not None:
            # encoders fold frames that came out (nearly) the same into one; the file's own count is the truth
            found = replace(found, frames=read_back(found.data, found.format).frames)
            verify_encoded(found.data, found, preset)
            return found
        smallest = min(tried_smallest, smallest or tried_smallest)
    raise ExportError(f"The animation cannot be made small enough for {preset.name}: the smallest encoding is "
                      f"{(smallest or 0) / 1024:.0f} KB, the limit is {(spec.max_bytes or 0) / 1024:.0f} KB; "
                      f"try a shorter or simpler clip.")


def decode_animation(data: bytes) -> Animation:
    """The frames of an animated sticker file (WebP, APNG or WEBM), e.g. to re-encode it for another platform."""
    fmt = sniff(data)
    if fmt is None:
        raise ExportError("The file is not an animated WebP, APNG or WEBM sticker.")
    decoded = read_back(data, fmt, keep_frames=True)
    durations = tuple(max(1, d) for d in decoded.durations_ms)
    return Animation(decoded.images, durations)


# --- the fit ---------------------------------------------------------------


def _rates(animation: Animation, limits: AnimationLimits) -> list[float | None]:
    """Frame rates to try, fastest first; None keeps the clip's own frames where they already conform."""
    own_fps = len(animation.frames) * 1000 / animation.duration_ms
    conforming = own_fps <= limits.max_fps and min(animation.durations_ms) >= limits.min_frame_ms
    rates: list[float | None] = [None] if conforming else []
    rates += [f for f in FPS_STEPS if f <= limits.max_fps and f < own_fps]
    return rates or [min(FPS_STEPS)]  # slower than every step yet with too-short frames: the slowest fixes them


def _ladder(rates: int, levels: int) -> list[tuple[int, int]]:
    """(rate, level) indices best first, bytes falling: sharp levels at the full rate, then lower rates at
    the last sharp level, then lower levels at the lowest rate."""
    sharp = min(SHARP_QUALITIES, levels)
    return ([(0, q) for q in range(sharp)] + [(r, sharp - 1) for r in range(1, rates)]
            + [(rates - 1, q) for q in range(sharp, levels)])


def _fit(animation: Animation, spec: AnimatedSpec, transparent: bool) -> tuple[EncodedSticker | None, int]:
    """The best ladder step within the budget, and the smallest size tried.

    Full-rate encodes are the dear ones, so at most two are made: the best step, then the last sharp
    level. Below that, bytes grow about in step with the frame count, so the first rate that fits is
    predicted from the second encode and walked from there (one or two cheap encodes), and the sharpest
    level at that rate is then binary-searched."""
    rates, levels = _rates(animation, spec.limits), _levels(spec)
    budget = spec.max_bytes
    clips: dict[int, Animation] = {}
    tried: dict[tuple[int, int], EncodedSticker] = {}

    def clip(r: int) -> Animation:
        if r not in clips:
            clips[r] = animation if rates[r] is None else resample(animation, rates[r])
        return clips[r]

    def fits(step: tuple[int, int]) -> bool:
        if step not in tried:
            tried[step] = _encode(spec, clip(step[0]), levels[step[1]], transparent)
        return budget is None or len(tried[step].data) <= budget

    def first_fit(steps: list[tuple[int, int]]) -> tuple[int, int] | None:
        lo, hi, best = 0, len(steps) - 1, None
        while lo <= hi:
            mid = (lo + hi) // 2
            if fits(steps[mid]):
                best, hi = steps[mid], mid - 1
            else:
                lo = mid + 1
        return best

    def walk(steps: list[tuple[int, int]], start: int) -> tuple[int, int] | None:
        i = start
        if fits(steps[i]):
            while i > 0 and fits(steps[i - 1]):
                i -= 1
            return steps[i]
        while i + 1 < len(steps):
            i += 1
            if fits(steps[i]):
                return steps[i]
        return None

    ladder = _ladder(len(rates), len(levels))
    sharp = min(SHARP_QUALITIES, len(levels))
    floor = ladder[sharp - 1]  # full rate, last sharp level
    if fits(ladder[0]):
        best: tuple[int, int] | None = ladder[0]
    elif fits(floor):
        best = first_fit(ladder[1:sharp - 1]) or floor
    else:
        below = ladder[sharp:]
        scale = len(tried[floor].data) / len(clip(0).frames)
        guess = next((i for i, (r, q) in enumerate(below) if q == sharp - 1 and
                      scale * len(clip(r).frames) <= (budget or 0)), len(rates) - 2)
        best = walk(below, max(0, min(guess, len(below) - 1))) if below else None
    if best is not None and best[0] > 0 and best[1] == sharp - 1:
        best = first_fit([(best[0], q) for q in range(best[1])]) or best
    smallest = min(len(e.data) for e in tried.values())
    return (tried[best] if best is not None else None), smallest


def _spec(preset: Preset) -> AnimatedSpec:
    if preset.animated is None:
        raise ExportError(f"The {preset.name} preset makes still stickers only.")
    return preset.animated


def _levels(spec: AnimatedSpec) -> tuple[int, ...]:
    return {"WEBP": WEBP_QUALITIES, "WEBM": VP9_CRFS, "APNG": APNG_COLOURS}[spec.format]


def resample(animation: Animation, fps: float) -> Animation:
    """The clip at no more than *fps*: each new frame shows what the clip showed at its start, runs of
    the same source frame merge, and the total running time stays exactly the same."""
    total = animation.duration_ms
    n = max(1, int(total * fps / 1000))
    starts = np.cumsum((0,) + animation.durations_ms[:-1])
    marks = [round(k * total / n) for k in range(n + 1)]
    picks = [int(np.searchsorted(starts, t, side="right")) - 1 for t in marks[:-1]]
    frames, durations = [], []
    for k, pick in enumerate(picks):
        length = marks[k + 1] - marks[k]
        if frames and pick == picks[k - 1]:
            durations[-1] += length
        else:
            frames.append(animation.frames[pick])
            durations.append(length)
    return Animation(tuple(frames), tuple(durations))


def _scaled(animation: Animation, size: tuple[int, int]) -> Animation:
    if size == animation.size:
        return animation
    return Animation(tuple(resize_contain(f, size) for f in animation.frames), animation.durations_ms)


# --- encoders ----------------------------------------------------------------


def _encode(spec: AnimatedSpec, anim: Animation, level: int, transparent: bool) -> EncodedSticker:
    data = {"WEBP": _webp, "WEBM": _webm, "APNG": _apng}[spec.format](anim, level)
    quality = None if spec.format == "APNG" and level == 0 else level
    return EncodedSticker(data, spec.format, anim.size, quality, transparent,
                          frames=len(anim.frames), duration_ms=anim.duration_ms)


def _webp(anim: Animation, quality: int) -> bytes:
    buf = io.BytesIO()
    anim.frames[0].save(buf, "WEBP", save_all=True, append_images=list(anim.frames[1:]),
                        duration=list(anim.durations_ms), loop=0, quality=quality, method=ANIMATED_WEBP_METHOD,
                        background=(0, 0, 0, 0))
    return buf.getvalue()


def _apng(anim: Animation, colours: int) -> bytes:
    frames = list(anim.frames) if colours == 0 else _shared_palette(anim.frames, colours)
    buf = io.BytesIO()
    frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:], duration=list(anim.durations_ms),
                   loop=0, compress_level=APNG_COMPRESS_LEVEL)
    return buf.getvalue()


def _shared_palette(frames: tuple[Image.Image, ...], colours: int) -> list[Image.Image]:
    """Every frame on one palette (quantized together), so colours do not shimmer from frame to frame."""
    w, h = frames[0].size
    strip = Image.new("RGBA", (w, h * len(frames)))
    for i, f in enumerate(frames):
        strip.paste(f, (0, h * i))
    quantized = strip.quantize(colours, method=Image.Quantize.FASTOCTREE)
    return [quantized.crop((0, h * i, w, h * (i + 1))) for i in range(len(frames))]


def _webm(anim: Animation, crf: int) -> bytes:
    import av  # PyAV loads ffmpeg: only when a WEBM is made

    buf = io.BytesIO()
    with av.open(buf, "w", format="webm") as box:
        stream = box.add_stream("libvpx-vp9", rate=Fraction(1000, 1))
        stream.width, stream.height = anim.size
        stream.pix_fmt = "yuva420p"  # the alpha plane travels as a block addition
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.options = dict(VP9_OPTIONS, crf=str(crf), **{"b:v": "0"})
        stream.metadata["alpha_mode"] = "1"
        starts = np.cumsum((0,) + anim.durations_ms[:-1]).tolist()
        length = dict(zip(starts, anim.durations_ms))

        def mux(packets) -> None:
            for packet in packets:
                packet.duration = length.get(packet.pts, packet.duration)  # the last frame's time too
                box.mux(packet)

        for frame, start in zip(anim.frames, starts):
            video = av.VideoFrame.from_ndarray(np.asarray(frame), format="rgba")  # from_image drops alpha
            video.pts, video.time_base = start, Fraction(1, 1000)
            mux(stream.encode(video))
        mux(stream.encode())
    return buf.getvalue()
