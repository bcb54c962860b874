"""Where each model's current file is, and whether it is there at all.

A model promoted by the trainer is recorded as a small JSON pointer under
the data dir (``models/<name>/current.json``); it wins over the bundled
file. The pointer is re-read on every lookup (one stat), so the running app
picks up a promotion without a restart; the session pool reloads when the
file path or mtime changes.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..config.paths import AppPaths
from .fetch import cached_path
from .manifest import Manifest, ModelSpec


class ModelRegistry:
    def __init__(self, manifest: Manifest, paths: AppPaths) -> None:
        self.manifest = manifest
        self.paths = paths

    @property
    def promoted_root(self) -> Path:
        return self.paths.data / "models"

    def pointer_file(self, name: str) -> Path:
        return self.promoted_root / name / "current.json"

    def promoted(self, name: str) -> tuple[Path, str] | None:
        """(file, version) of a promoted model, if a valid pointer exists."""
        try:
            data = json.loads(self.pointer_file(name).read_text(encoding="utf-8"))
            path = self.promoted_root / name / str(data["file"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return (path, str(data.get("version", "?"))) if path.is_file() else None

    def path(self, spec: ModelSpec) -> Path:
        promoted = self.promoted(spec.name)
        if promoted:
            return promoted[0]
        if spec.fetched:
            cached = cached_path(spec, self.paths.model_cache)
            # A packaged app ships the fetched weights beside the manifest.
            shipped = self.manifest.bundled_path(spec)
            return cached if cached.is_file() or not shipped.is_file() else shipped
        return self.manifest.bundled_path(spec)

    def version(self, spec: ModelSpec) -> str:
        promoted = self.promoted(spec.name)
        return promoted[1] if promoted else spec.version

    def available(self, name: str) -> bool:
        spec = self.manifest.models.get(name)
        return spec is not None and self.path(spec).is_file()
