"""Save and export finished stickers; every file written is re-checked on disk against its preset."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from ..files import atomic_write_bytes, unique_path
from ..sticker.presets import ExportResult, Preset, encode_sticker, get_preset, write_encoded

if TYPE_CHECKING:
    from ..library import LibraryEntry
    from ..maker import MadeSticker
    from .context import AppContext

#: Longest side of the PNG put on the clipboard or dragged out.
SHARE_SIDE = 512


@dataclass(frozen=True)
class Saved:
    entry: LibraryEntry
    written: ExportResult | None


def save_sticker(ctx: AppContext, made: MadeSticker, preset: str, meta: dict[str, Any],
                 target: Path | None = None) -> Saved:
    """Into the library with everything needed to redo it, and to *target* when given (replacing it)."""
    entry = ctx.maker.save(made, preset, meta)
    written = write_encoded(made.encoded, get_preset(preset), target, overwrite=True) if target else None
    return Saved(entry, written)


def export_image(image: Image.Image, preset: str, target: Path) -> ExportResult:
    """Encode *image* for *preset* and write it to *target* (replacing it); no library entry."""
    return write_encoded(encode_sticker(image, preset), get_preset(preset), target, overwrite=True)


def read_library_image(entry: LibraryEntry) -> Image.Image:
    """A library sticker's full-size master when it has one, else its exported file."""
    return entry.image()


def export_entry(entry: LibraryEntry, preset: str, target: Path) -> ExportResult:
    """Re-export a library sticker for another preset from its master."""
    return export_image(read_library_image(entry), preset, target)


def write_drag_file(ctx: AppContext, image: Image.Image, preset: str, title: str) -> Path:
    """The sticker encoded for *preset* in the cache's drag folder (only the last one is kept)."""
    from ..library import slugify

    enc = encode_sticker(image, preset)
    folder = ctx.paths.cache / "drag"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink(missing_ok=True)
    path = unique_path(folder, slugify(title), enc.extension)
    atomic_write_bytes(path, enc.data)
    return path


def share_png(image: Image.Image) -> bytes:
    """PNG for the clipboard and drag-out: at most SHARE_SIDE px, alpha kept."""
    share = Preset("share", "Clipboard PNG", "max", SHARE_SIDE, ("PNG",), None)
    return encode_sticker(image, share).data
