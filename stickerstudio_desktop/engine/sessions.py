"""ONNX Runtime sessions: created once per file, reused by every caller.

CUDA is used when onnxruntime-gpu offers it (rembg's most common complaint
is a GPU that is silently ignored), CPU otherwise.
"""

from __future__ import annotations

import threading
from pathlib import Path

import onnxruntime as ort

from ..errors import ModelError

_PREFERRED = ("CUDAExecutionProvider", "CPUExecutionProvider")


def available_providers() -> list[str]:
    have = set(ort.get_available_providers())
    return [p for p in _PREFERRED if p in have] or ["CPUExecutionProvider"]


class SessionPool:
    """Caches one InferenceSession per (path, mtime) so a hot-swapped file reloads."""

    def __init__(self, threads: int = 0, providers: list[str] | None = None) -> None:
        self.threads = threads
        self.providers = providers or available_providers()
        self._sessions: dict[tuple[str, int], ort.InferenceSession] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> ort.InferenceSession:
        path = Path(path)
        try:
            key = (str(path.resolve()), path.stat().st_mtime_ns)
        except OSError:
            raise ModelError(f"The model file {path.name} is missing; run `stickerstudio fetch-models`.") from None
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = self._create(path)
                # drop stale versions of the same file
                for old in [k for k in self._sessions if k[0] == key[0]]:
                    del self._sessions[old]
                self._sessions[key] = session
            return session

    def _create(self, path: Path) -> ort.InferenceSession:
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if self.threads:
            opts.intra_op_num_threads = self.threads
            opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            return ort.InferenceSession(str(path), sess_options=opts, providers=self.providers)
        except Exception as exc:  # onnxruntime raises its own exception zoo
            raise ModelError(f"The model file {path.name} could not be loaded ({type(exc).__name__}).") from None

    def clear(self) -> None:
        with self._lock:
            self._sessions.clear()
