"""The application context both front doors start from: paths, settings, engine and library.

It replaces the CLI's old ``App``: the CLI builds one from its arguments, the
window is handed one, and the jobs take it as their first argument. The
engine pieces are built on first use (importing onnxruntime costs time) and
may be first asked for from a worker thread, hence the lock.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..config.paths import AppPaths, app_paths
from ..config.settings import Settings
from ..config.store import SettingsStore

if TYPE_CHECKING:
    from ..engine.pipeline import Pipeline
    from ..library import Library
    from ..maker import StickerMaker


class AppContext:
    def __init__(self, paths: AppPaths, store: SettingsStore) -> None:
        self.paths = paths
        self.store = store
        self._pipeline: Pipeline | None = None
        self._library: Library | None = None
        self._maker: StickerMaker | None = None
        self._lock = threading.RLock()

    @classmethod
    def create(cls, home: str | Path | None = None, threads: int | None = None) -> AppContext:
        """Paths for *home* (else the environment's), settings from their file; *threads* overrides."""
        paths = app_paths(home)
        store = SettingsStore(paths.settings_file)
        if threads is not None:
            store.settings.cpu_threads = threads
            store.settings.validate()
        return cls(paths, store)

    @property
    def settings(self) -> Settings:
        return self.store.settings

    @property
    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                from ..engine.pipeline import Pipeline

                s = self.settings
                self._pipeline = Pipeline(paths=self.paths, threads=s.cpu_threads,
                                          max_pixels=int(s.max_megapixels * 1_000_000))
            return self._pipeline

    @property
    def library(self) -> Library:
        with self._lock:
            if self._library is None:
                from ..library import Library

                self._library = Library(self.paths.library)
            return self._library

    @property
    def maker(self) -> StickerMaker:
        """The StickerMaker over the shared pipeline and library (it caches outline bases)."""
        with self._lock:
            if self._maker is None:
                from ..maker import StickerMaker

                self._maker = StickerMaker(self.pipeline, self.library)
            return self._maker
