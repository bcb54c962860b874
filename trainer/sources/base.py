"""What every source hands the loop, and how ``--source`` specs are parsed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Protocol

from stickerstudio_desktop.errors import ConfigError, StickerStudioError

if TYPE_CHECKING:
    from stickerstudio_desktop.config.paths import AppPaths

    from ..state import TrainerState

KINDS = ("folder", "pinterest", "stickers")


class SourceSkip(StickerStudioError):
    """One item is unusable; *reason* is the counter label (network, too_large, bad_type, ...)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class SourceStop(SourceSkip):
    """The whole source must stop for this run (e.g. the site asked us to slow down)."""


@dataclass(frozen=True)
class Candidate:
    key: str  # de-duplication key: the URL, or a file's path + size + mtime
    origin: str  # for people and the image table
    fetch: Callable[[], bytes]  # raises SourceSkip


class Source(Protocol):
    kind: str  # metric label: folder, pinterest, stickers
    key: str  # unique per configured source; names its cursor

    def candidates(self, state: TrainerState) -> Iterator[Candidate]: ...


@dataclass(frozen=True)
class SourceSpec:
    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind


def parse_source(spec: str) -> SourceSpec:
    """``folder:DIR``, ``pinterest:QUERY_OR_BOARD_URL`` or ``stickers``; ConfigError otherwise."""
    text = str(spec).strip()
    kind, _, value = text.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if kind == "stickers" and not value:
        return SourceSpec("stickers", "")
    if kind in ("folder", "pinterest") and value:
        return SourceSpec(kind, value)
    raise ConfigError(f"Source {text!r} is not one of folder:DIR, pinterest:QUERY_OR_BOARD_URL or stickers.")


def inbox_dir(paths: AppPaths) -> Path:
    """Where the app copies photos the user made stickers from (opt-in)."""
    return paths.trainer / "inbox"
