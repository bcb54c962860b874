"""Images from a folder the user chose; files are only ever read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from stickerstudio_desktop.imaging.suffixes import IMAGE_SUFFIXES

from .base import Candidate, SourceSkip

if TYPE_CHECKING:
    from ..state import TrainerState

#: Deep trees (a whole home folder) are cut off rather than walked forever.
MAX_FILES = 100_000


class FolderSource:
    def __init__(self, root: Path, *, max_bytes: int, kind: str = "folder") -> None:
        self.root = Path(root)
        self.kind = kind
        self.max_bytes = max_bytes
        self.key = f"{kind}:{self.root.resolve() if self.root.exists() else self.root}"

    def candidates(self, state: TrainerState) -> Iterator[Candidate]:
        if not self.root.is_dir():
            raise SourceSkip("missing", f"The folder {self.root} does not exist or is not a folder.")
        files = sorted(p for p in self.root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)[:MAX_FILES]
        for path in files:
            try:
                st = path.stat()
            except OSError:
                continue
            key = f"file:{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"
            if not state.seen(key):
                yield Candidate(key=key, origin=str(path), fetch=lambda p=path, n=st.st_size: self._read(p, n))

    def _read(self, path: Path, size: int) -> bytes:
        if size > self.max_bytes:
            raise SourceSkip("too_large", f"{path.name} is larger than {self.max_bytes >> 20} MB.")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise SourceSkip("unreadable", f"{path.name} cannot be read ({exc.strerror or exc}).") from None
