"""The Prometheus endpoint on 127.0.0.1, started in the background.

A busy port is a message in the status bar, never a crash; changing the
port in Settings restarts the server.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class MetricsService:
    def __init__(self, port: int) -> None:
        self.port = port
        self.server = None
        self.error: str | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/metrics"

    @property
    def running(self) -> bool:
        return self.server is not None

    def start(self, port: int | None = None) -> str | None:
        """Serve on *port*; None on success, else one sentence (the app goes on without metrics)."""
        from ..metrics import serve_metrics

        with self._lock:
            self._stop_locked()
            if port is not None:
                self.port = port
            try:
                result = serve_metrics(self.port)
            except OSError as exc:
                self.error = (f"Metrics are off: port {self.port} on 127.0.0.1 is in use "
                              f"({exc.strerror or exc}); choose another port in Settings.")
                return self.error
            self.server = result[0] if isinstance(result, tuple) else result
            self.error = None
            log.info("metrics on %s", self.url)
            return None

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        if self.server is not None:
            try:
                self.server.shutdown()
                self.server.server_close()
            except Exception:  # noqa: BLE001 - best effort at exit
                log.debug("metrics server stop failed", exc_info=True)
            self.server = None
