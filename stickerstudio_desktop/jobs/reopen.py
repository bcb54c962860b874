"""Back into the editor from the library: from the sticker's photo when it still exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.subjects import Selection
from ..errors import ConfigError
from ..sticker.compose import StickerStyle
from ..sticker.style_meta import style_from_meta
from .edit import Edits, stored_edits
from .inputs import source_meta

if TYPE_CHECKING:
    from ..library import LibraryEntry


@dataclass(frozen=True)
class ReopenPlan:
    style: StickerStyle
    preset: str | None  # None: keep the current one
    source: Path | None  # the photo to analyse again; None: show the finished image
    meta: dict[str, Any]  # the photo's source metadata for the next save
    selection: Selection
    edits: Edits = Edits()  # the clicks, strokes and placement to re-apply to the photo
    problem: str = ""  # one sentence when stored edits could not be used (the sticker opens without them)


def plan_reopen(entry: LibraryEntry, fallback: StickerStyle) -> ReopenPlan:
    """What re-opening *entry* means: its stored style (else *fallback*), preset, photo and subjects."""
    meta = entry.meta or {}
    style = style_from_meta(meta, fallback, entry.title or "")
    raw = meta.get("source_path")
    source = Path(raw) if raw and Path(raw).is_file() else None
    subjects = meta.get("subjects")
    selection = subjects if source and isinstance(subjects, list) and subjects else "auto"
    edits, problem = Edits(), ""
    if source:
        try:
            edits = stored_edits(meta)
        except ConfigError as exc:
            problem = str(exc)
    return ReopenPlan(style, meta.get("preset") or None, source,
                      source_meta(source) if source else {}, selection, edits, problem)
