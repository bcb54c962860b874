"""A polite HTTP client: real User-Agent, one request per host per interval, hard byte and time limits.

Each request is one ``net.http.fetch`` (the app's bounded client); this
module adds the per-host pacing and turns failures into SourceSkip /
SourceStop, which the loop counts by reason.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Mapping
from urllib.parse import urlsplit

import requests

from stickerstudio_desktop.net.http import HttpFailure, Limits, fetch

from .base import SourceSkip, SourceStop

if TYPE_CHECKING:
    from ..settings import TrainerSettings

IMAGE_TYPES = {"image/jpeg", "image/jpg", "image/png", "image/webp", "image/gif"}
MAX_PAGE_BYTES = 8 * 1024 * 1024
#: Status codes that mean "slow down" or "go away": stop the source for this run.
STOP_STATUSES = {401, 403, 429, 503}
#: A whole answer may take this many request timeouts (a slow but steady image still arrives).
TOTAL_TIMEOUTS = 4


class PoliteClient:
    def __init__(self, *, user_agent: str, interval: float, timeout: float, max_image_bytes: int,
                 session: requests.Session | None = None) -> None:
        self.interval = interval
        self.timeout = timeout
        self.max_image_bytes = max_image_bytes
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept-Language": "en-US,en;q=0.8"})
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, s: TrainerSettings) -> PoliteClient:
        return cls(user_agent=s.user_agent, interval=s.request_interval, timeout=s.request_timeout,
                   max_image_bytes=s.max_image_bytes)

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            due = self._last.get(host, 0.0) + self.interval
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._last[host] = time.monotonic()

    def _get(self, url: str, *, accept: str, limit: int) -> tuple[bytes, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceSkip("bad_url", f"{url[:200]} is not an http(s) URL.")
        self._wait_turn(parts.netloc)

        def check(status: int, content_type: str, headers: Mapping[str, str]) -> None:
            if status in STOP_STATUSES:
                raise SourceStop("refused", f"{parts.netloc} answered {status}; stopping this source.")
            if status >= 400:
                raise SourceSkip("network", f"{url[:200]} answered {status}.")

        limits = Limits(connect_timeout_s=self.timeout, read_timeout_s=self.timeout,
                        total_timeout_s=self.timeout * TOTAL_TIMEOUTS, max_bytes=limit)
        try:
            reply = fetch(url, limits=limits, session=self.session, headers={"Accept": accept}, check=check)
        except HttpFailure as failure:
            if failure.kind == "too_large":
                raise SourceSkip("too_large", f"{url[:200]} is larger than {limit >> 10} KB.") from None
            raise SourceSkip("network", f"{url[:200]} could not be fetched: {failure}") from None
        return reply.body, reply.content_type

    def text(self, url: str) -> str:
        body, _ = self._get(url, accept="text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
                            limit=MAX_PAGE_BYTES)
        return body.decode("utf-8", errors="replace")

    def image(self, url: str) -> bytes:
        body, ctype = self._get(url, accept="image/avif,image/webp,image/png,image/jpeg,*/*;q=0.8",
                                limit=self.max_image_bytes)
        if ctype and ctype not in IMAGE_TYPES:
            raise SourceSkip("bad_type", f"{url[:200]} is {ctype}, not a supported image type.")
        return body
