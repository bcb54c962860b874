"""Build a ready source from its ``--source`` spec (kept apart so the source modules never import it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import Source, SourceSpec, inbox_dir, parse_source
from .folder import FolderSource
from .http import PoliteClient
from .pinterest import PinterestSource

if TYPE_CHECKING:
    from stickerstudio_desktop.config.paths import AppPaths

    from ..settings import TrainerSettings


def open_source(spec: str | SourceSpec, paths: AppPaths, settings: TrainerSettings, client=None) -> Source:
    """A ready source for *spec*; *client* is the shared polite HTTP client for web sources."""
    s = spec if isinstance(spec, SourceSpec) else parse_source(spec)
    if s.kind == "folder":
        return FolderSource(Path(s.value).expanduser(), max_bytes=settings.max_image_bytes)
    if s.kind == "stickers":
        return FolderSource(inbox_dir(paths), max_bytes=settings.max_image_bytes, kind="stickers")
    client = client or PoliteClient.from_settings(settings)
    return PinterestSource(s.value, client=client, base_url=settings.pinterest_base_url,
                           image_base=settings.pinterest_image_base_url)
