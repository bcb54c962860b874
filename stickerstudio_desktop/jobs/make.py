"""Make stickers: one photo or a batch, into the library and/or a file, for either door."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..engine.prompts import Click
from ..engine.subjects import Selection
from ..files import unique_path
from ..sticker.compose import StickerStyle
from ..sticker.presets import EncodedSticker, ExportResult, get_preset, write_encoded
from .batch import BatchReport, Outcome, for_each
from .control import JobControl
from .edit import Edits, apply_edits, edits_meta
from .engines import resolve_engine
from .inputs import source_meta
from .packs import add_to_pack

if TYPE_CHECKING:
    from ..engine.pipeline import Analysis
    from ..library import LibraryEntry
    from ..maker import MadeSticker
    from .context import AppContext


@dataclass(frozen=True)
class MakeOptions:
    style: StickerStyle
    engine: str = "auto"  # an engine name or the window's auto / fast / quality
    selection: Selection = "auto"
    clicks: tuple[Click, ...] = ()  # in the source's pixels, applied in order
    preset: str = "whatsapp"
    save: bool = True  # into the library
    output: str | None = None  # also write here: a file, or a folder (ends in a separator or exists)
    overwrite: bool = False
    pack: str | None = None  # also add each saved sticker to this pack (made if new)
    emojis: tuple[str, ...] = ()  # its emojis in the pack; none: suggested from the caption


@dataclass(frozen=True)
class MadeItem:
    source: Path
    made: MadeSticker
    encoded: EncodedSticker
    entry: LibraryEntry | None
    written: ExportResult | None


def analyse_source(ctx: AppContext, source: Any, engine: str, label: str | None = None) -> Analysis:
    """Run the models on a path or bytes (*label* names bytes in messages)."""
    pipeline = ctx.pipeline
    return pipeline.analyse(source, resolve_engine(engine, pipeline),
                            name=label if isinstance(source, (bytes, bytearray)) else None)


def output_path(output: str | None, source: Path, extension: str, many: bool) -> Path | None:
    """Where *output* puts this source's sticker: inside a folder (unique name) or the file given."""
    if not output:
        return None
    out = Path(output)
    if many or out.is_dir() or output.endswith(("/", "\\")):
        out.mkdir(parents=True, exist_ok=True)
        return unique_path(out, source.stem, extension)
    return out


def make_one(ctx: AppContext, source: Path, options: MakeOptions, many: bool = False) -> MadeItem:
    """Cut out, compose, encode; save with its photo's path (so it re-opens editable) and write -o."""
    maker = ctx.maker
    edits = Edits(clicks=options.clicks)
    made = apply_edits(maker, analyse_source(ctx, source, options.engine), edits, options.style,
                       options.selection)
    encoded = maker.encode(made, options.preset)
    # The clicks are kept with the entry, so the window re-opens the sticker with them, editable.
    entry = maker.save(made, options.preset, {**source_meta(source), **edits_meta(edits)}) if options.save else None
    if options.pack and entry is not None:
        add_to_pack(ctx, options.pack, [entry], options.emojis)
    target = output_path(options.output, source, encoded.extension, many)
    written = (write_encoded(encoded, get_preset(options.preset), target, overwrite=options.overwrite)
               if target else None)
    return MadeItem(source, made, encoded, entry, written)


def make_batch(ctx: AppContext, sources: Sequence[Path], options: MakeOptions,
               control: JobControl | None = None,
               on_item: Callable[[Outcome[MadeItem]], None] | None = None) -> BatchReport:
    """One sticker per source with the same options; a bad file is reported and skipped."""
    many = len(sources) > 1
    return for_each(sources, lambda s: make_one(ctx, s, options, many), control, on_item, noun="Sticker")
