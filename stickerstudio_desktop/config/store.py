"""The one ``settings.json`` that the window, the CLI and the trainer's scheduler share.

Why a store and not just ``load_settings``: the window changes settings while
it runs and a headless ``stickerstudio-train schedule`` must see them, so the
file is the single source of truth. Writes are temp file + rename. A file
that cannot be read or holds an invalid value never stops the app: it is set
aside beside the original name (renamed, never deleted), the defaults are
used and ``problem`` says so in one sentence. The environment still beats
the file, and what the environment sets is never written into it.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import fields
from pathlib import Path
from typing import Any, Mapping

from ..errors import ConfigError
from ..files import atomic_write_bytes
from .settings import Settings, env_values, merge, read_json_object

log = logging.getLogger(__name__)

#: Suffix of a settings file that could not be used: ``settings.json.bad-20260102-030405``.
BAD_SUFFIX = ".bad-"


class SettingsStore:
    """Live ``Settings`` backed by one JSON file; ``settings`` is updated in place, never replaced."""

    def __init__(self, path: Path | None, environ: Mapping[str, str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.environ = os.environ if environ is None else environ
        #: One sentence when the file had to be set aside; None otherwise.
        self.problem: str | None = None
        self._file: dict[str, Any] = {}
        self._stamp: tuple[int, int] | None = None
        self.settings = Settings()
        self._loaded = Settings()  # what the file and environment said last time
        self._apply(self._read_file())

    # -- reading -----------------------------------------------------------------------
    def _read_file(self) -> dict[str, Any]:
        """The file's known values, validated; a bad file is set aside and gives {}."""
        self._stamp = self._file_stamp()
        if self.path is None or not self.path.exists():
            return {}
        try:
            raw = read_json_object(self.path)
            known = {f.name for f in fields(Settings)}
            values = {k: v for k, v in raw.items() if k in known}
            merge(Settings(), values).validate()
            return values
        except ConfigError as exc:
            kept = self._set_aside()
            where = f"the file was kept as {kept.name}" if kept else "the file could not be renamed aside"
            self.problem = f"{str(exc).rstrip('.')}, so the defaults are used and {where}."
            log.warning("%s", self.problem)
            return {}

    def _set_aside(self) -> Path | None:
        assert self.path is not None
        kept = self.path.with_name(f"{self.path.name}{BAD_SUFFIX}{time.strftime('%Y%m%d-%H%M%S')}")
        n = 1
        while kept.exists():
            n += 1
            kept = kept.with_name(f"{self.path.name}{BAD_SUFFIX}{time.strftime('%Y%m%d-%H%M%S')}-{n}")
        try:
            os.replace(self.path, kept)
        except OSError:
            log.warning("could not rename %s aside", self.path, exc_info=True)
            return None
        self._stamp = self._file_stamp()
        return kept

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat() if self.path is not None else None
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size) if st else None

    def _apply(self, file_values: dict[str, Any]) -> set[str]:
        """Defaults → *file_values* → environment; copy what changed since last time onto the live object.

        Only what the file changed is copied, so a value set in memory for this
        run (``--at``, ``--threads``) survives an unrelated edit of the file.
        """
        fresh = merge(merge(Settings(), file_values), env_values(self.environ)).validate()
        self._file = dict(file_values)
        changed = set()
        for f in fields(Settings):
            new = getattr(fresh, f.name)
            if getattr(self._loaded, f.name) != new:
                setattr(self.settings, f.name, new)
                changed.add(f.name)
        self._loaded = fresh
        return changed

    def reload_if_changed(self) -> set[str]:
        """Re-read the file if another process (or door) wrote it; the names of settings that changed."""
        if self._file_stamp() == self._stamp:
            return set()
        return self._apply(self._read_file())

    # -- writing -----------------------------------------------------------------------
    def overridden(self, name: str) -> bool:
        """True when the environment sets *name*, so a stored value would not take effect."""
        return name in env_values(self.environ)

    def update(self, changes: Mapping[str, Any]) -> None:
        """Validate *changes*, write them to the file and apply them (unless the environment overrides)."""
        values = {**self._file, **{k: _jsonable(v) for k, v in changes.items()}}
        merge(Settings(), values).validate()  # ConfigError before anything is written
        if self.path is not None:
            atomic_write_bytes(self.path, json.dumps(values, indent=2, sort_keys=True).encode())
        self._apply(values)
        self._stamp = self._file_stamp()

    def adopt(self, values: Mapping[str, Any]) -> None:
        """Store *values* the file does not hold yet (choices an older version kept elsewhere)."""
        missing = {k: v for k, v in values.items() if k not in self._file}
        if not missing:
            return
        try:
            typed = merge(Settings(), missing)  # e.g. QSettings' "true" and "12" strings
            self.update({k: getattr(typed, k) for k in missing if hasattr(typed, k)})
        except ConfigError as exc:
            log.warning("not adopting older settings %s: %s", sorted(missing), exc)


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
