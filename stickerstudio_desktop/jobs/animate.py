"""Make an animated sticker from a clip, for either door: decode → follow the subject → compose → encode.

A clip longer than the platform allows is trimmed to its limit, with a message; it is never sped
up (the user chooses where to cut with start/end). ``still`` takes one frame through the photo path.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.clip_track import track_clip
from ..engine.prompts import Click
from ..engine.subjects import Selection
from ..errors import ConfigError
from ..imaging.clips import load_clip, probe_clip
from ..sticker.animated import Animation, animation_limits, encode_animation
from ..sticker.compose import StickerStyle, add_caption, build_base
from ..sticker.presets import EncodedSticker, ExportResult, get_preset, write_encoded
from ..sticker.style_meta import style_to_meta
from .control import JobControl, SilentControl
from .engines import resolve_engine
from .inputs import source_meta
from .make import output_path

if TYPE_CHECKING:
    from ..library import LibraryEntry
    from .context import AppContext


@dataclass(frozen=True)
class AnimateOptions:
    style: StickerStyle
    engine: str = "auto"
    selection: Selection = "auto"
    clicks: tuple[Click, ...] = ()  # in the first kept frame's (decoded) pixels
    preset: str = "whatsapp"
    start: float | None = None  # seconds into the file
    end: float | None = None
    fps: float | None = None  # frame-rate cap; the platform's own cap applies too
    speed: float = 1.0
    still: bool = False  # one frame (at start) through the photo path
    output: str | None = None
    overwrite: bool = False
    save: bool = True


@dataclass(frozen=True)
class AnimatedItem:
    source: Path
    encoded: EncodedSticker
    frames: int
    model_runs: int
    engine: str
    message: str  # e.g. why the clip was trimmed; "" when nothing to say
    entry: LibraryEntry | None
    written: ExportResult | None


def animate_one(ctx: AppContext, source: Path, options: AnimateOptions, control: JobControl | None = None,
                many: bool = False) -> AnimatedItem:
    control = control or SilentControl()
    preset = get_preset(options.preset)
    engine = resolve_engine(options.engine, ctx.pipeline)
    if options.still:
        return _still(ctx, source, options, engine)
    limits = animation_limits(preset)
    info = probe_clip(source)
    start = options.start or 0.0
    end = info.duration_s if options.end is None else min(options.end, info.duration_s)
    message = ""
    longest = limits.max_duration_ms / 1000.0 * options.speed  # source seconds that fit
    if end - start > longest:
        allowed = limits.max_duration_ms / 1000
        message = (f"The clip is {end - start:.1f} s; {preset.name.capitalize()} allows {allowed:g} s, "
                   f"so it was trimmed to {start:g}–{start + longest:g} s.")
        end = start + longest
    fps = min(f for f in (options.fps, limits.max_fps) if f)
    control.report(0.0, f"Reading {source.name}")
    clip = load_clip(source, start=start, end=end, speed=options.speed, max_fps=fps)
    control.check_cancel()

    def progress(done: int, total: int) -> None:
        control.check_cancel()
        control.report(0.1 + 0.7 * done / total, f"Cutting out frame {done} of {total}")

    tracked = track_clip(ctx.pipeline, clip.frames, engine, options.selection, options.clicks, progress=progress)
    frames = []
    for cut in tracked.cutouts:
        base = build_base(cut, options.style.outline_px, options.style.shadow, box=tracked.box)
        frames.append(add_caption(base, options.style))
    control.report(0.85, f"Encoding for {preset.name}")
    encoded = encode_animation(Animation(tuple(frames), clip.durations_ms), preset)
    entry = None
    if options.save:
        master = io.BytesIO()
        frames[0].save(master, "PNG")
        meta = {"preset": preset.name, **style_to_meta(options.style), "engine": tracked.engine, "animated": True,
                "frames": len(frames), "duration_ms": clip.duration_ms, "start_s": start, "end_s": end,
                "speed": options.speed, "note": message, **source_meta(source)}
        entry = ctx.library.add(kind="sticker", data=encoded.data, fmt=encoded.format, width=encoded.size[0],
                                height=encoded.size[1], title=options.style.caption, meta=meta,
                                master_png=master.getvalue())
    target = output_path(options.output, source, encoded.extension, many)
    written = write_encoded(encoded, preset, target, overwrite=options.overwrite) if target else None
    control.report(1.0, "Done")
    return AnimatedItem(source, encoded, len(frames), tracked.model_runs, tracked.engine, message, entry, written)


def _still(ctx: AppContext, source: Path, options: AnimateOptions, engine: str) -> AnimatedItem:
    """The frame at *start*, made like a photo."""
    start = options.start or 0.0
    clip = load_clip(source, start=start, end=start + 0.001)
    maker = ctx.maker
    made = maker.compose(ctx.pipeline.analyse(clip.frames[0], engine), options.style, options.selection,
                         options.clicks)
    encoded = maker.encode(made, options.preset)
    entry = maker.save(made, options.preset, source_meta(source)) if options.save else None
    target = output_path(options.output, source, encoded.extension, False)
    written = (write_encoded(encoded, get_preset(options.preset), target, overwrite=options.overwrite)
               if target else None)
    return AnimatedItem(source, encoded, 1, 1, made.analysis.engine, "", entry, written)


def clip_masks(ctx: AppContext, source: Path, out_dir: Path, options: AnimateOptions) -> Path:
    """One 8-bit mask per frame as ``out_dir/<stem>/NNNN.png`` (decoded size), written whole or not at all."""
    from ..files import atomic_dir

    clip = load_clip(source, start=options.start, end=options.end, speed=options.speed, max_fps=options.fps)
    tracked = track_clip(ctx.pipeline, clip.frames, resolve_engine(options.engine, ctx.pipeline),
                         options.selection, options.clicks)
    target = out_dir / source.stem
    try:
        with atomic_dir(target, replace=options.overwrite) as tmp:
            for i, cut in enumerate(tracked.cutouts):
                cut.getchannel("A").save(tmp / f"{i:04d}.png", "PNG")
    except FileExistsError:
        raise ConfigError(f"{target} already holds files; choose another folder or replace it.") from None
    return target
