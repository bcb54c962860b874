"""Promoted model versions beside each other, and the pointer the app follows.

``<data>/models/<name>/v<N>.onnx`` are the versions; ``current.json``
(``{"file": "v3.onnx", "version": "v3", ...}``) names the champion and is
replaced atomically, so the app's ``ModelRegistry`` (which re-reads it on
every lookup) sees either the old or the new champion, never a half state.
Each version's training checkpoint lives in the trainer dir so the next
fine-tune starts from the champion. Promotion order: write the ONNX and
checkpoint under new names, fsync, then switch the pointer; a kill before the
switch leaves an unreferenced file that ``recover`` and pruning clean up.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stickerstudio_desktop.config.paths import AppPaths
from stickerstudio_desktop.errors import ModelError
from stickerstudio_desktop.files import atomic_path, atomic_write_bytes

from .faults import pause_point

_VERSION = re.compile(r"^v(\d+)\.onnx$")


def version_number(version: str | None) -> int:
    m = re.fullmatch(r"v(\d+)", str(version or ""))
    return int(m.group(1)) if m else 0


def _copy_durably(src: Path, dst: Path) -> None:
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())


class ModelStore:
    def __init__(self, paths: AppPaths, keep: int = 5) -> None:
        self.paths = paths
        self.keep = max(1, keep)

    def root(self, name: str) -> Path:
        return self.paths.data / "models" / name

    def pointer(self, name: str) -> Path:
        return self.root(name) / "current.json"

    def checkpoint(self, name: str, version: str) -> Path:
        return self.paths.trainer / "checkpoints" / name / f"{version}.pt"

    def versions(self, name: str) -> list[str]:
        """Version names present on disk, oldest first."""
        root = self.root(name)
        if not root.is_dir():
            return []
        found = [int(m.group(1)) for p in root.glob("v*.onnx") if (m := _VERSION.match(p.name))]
        return [f"v{n}" for n in sorted(found)]

    def current(self, name: str) -> dict[str, Any] | None:
        """The pointer's content when it names an existing file, else None."""
        try:
            data = json.loads(self.pointer(name).read_text(encoding="utf-8"))
            if not (self.root(name) / str(data["file"])).is_file():
                return None
            return data
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def current_file(self, name: str) -> Path | None:
        cur = self.current(name)
        return self.root(name) / cur["file"] if cur else None

    def champion_checkpoint(self, name: str) -> Path | None:
        cur = self.current(name)
        if not cur:
            return None
        ckpt = self.checkpoint(name, str(cur.get("version")))
        return ckpt if ckpt.is_file() else None

    def _switch(self, name: str, data: dict[str, Any]) -> None:
        pause_point("promote-switch", self.paths.trainer)
        atomic_write_bytes(self.pointer(name), json.dumps(data, indent=2).encode())

    def promote(self, name: str, onnx: Path, *, checkpoint: Path | None = None,
                meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """Install *onnx* as the next version and make it the champion; returns the new pointer."""
        existing = self.versions(name)
        version = f"v{(version_number(existing[-1]) if existing else 0) + 1}"
        previous = self.current(name)
        if checkpoint is not None:
            _copy_durably(checkpoint, self.checkpoint(name, version))
        _copy_durably(onnx, self.root(name) / f"{version}.onnx")
        pause_point("promote-copied", self.paths.trainer)
        data = {"file": f"{version}.onnx", "version": version,
                "previous": previous["version"] if previous else None,
                "promoted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **(meta or {})}
        self._switch(name, data)
        self.record(name, version, data)
        self.prune(name)
        return data

    def rollback(self, name: str) -> dict[str, Any]:
        """Point back to the newest version older than the champion; ModelError when there is none."""
        cur = self.current(name)
        if not cur:
            raise ModelError(f"There is no promoted {name} model to roll back.")
        history = self._history(name)
        older = [v for v in self.versions(name) if version_number(v) < version_number(cur["version"])
                 and (not history or (v in history and not history[v].get("rolled_back")))]
        if not older:
            raise ModelError(f"{name} {cur['version']} is the oldest kept version; there is nothing to roll back to.")
        target = older[-1]
        meta = {k: v for k, v in history.get(target, {}).items() if k != "rolled_back_from"}
        data = {**meta, "file": f"{target}.onnx", "version": target,
                "previous": older[-2] if len(older) > 1 else None, "rolled_back_from": cur["version"],
                "promoted_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self._switch(name, data)
        if cur["version"] in history:
            self.record(name, cur["version"], {**history[cur["version"]], "rolled_back": True})
        return data

    def _history(self, name: str) -> dict[str, dict[str, Any]]:
        """Per-version metadata recorded at promotion (mIoU, MLflow ids), for rollback and status."""
        path = self.root(name) / "history.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def record(self, name: str, version: str, meta: dict[str, Any]) -> None:
        history = self._history(name)
        history[version] = meta
        atomic_write_bytes(self.root(name) / "history.json", json.dumps(history, indent=2).encode())

    def prune(self, name: str) -> list[str]:
        """Keep the newest ``keep`` versions plus the champion; returns removed versions.

        Only files this store wrote (``v<N>.onnx`` and their checkpoints) are ever removed.
        """
        cur = self.current(name)
        keep_versions = set(self.versions(name)[-self.keep:]) | ({cur["version"]} if cur else set())
        removed = []
        for v in self.versions(name):
            if v not in keep_versions:
                (self.root(name) / f"{v}.onnx").unlink(missing_ok=True)
                self.checkpoint(name, v).unlink(missing_ok=True)
                removed.append(v)
        return removed

    def recover(self, name: str) -> list[Path]:
        """Remove temp files a killed promotion left behind (ours only: ``.*.part``)."""
        removed = []
        for folder in (self.root(name), self.paths.trainer / "checkpoints" / name):
            if folder.is_dir():
                for tmp in folder.glob(".*.part"):
                    tmp.unlink(missing_ok=True)
                    removed.append(tmp)
        return removed
