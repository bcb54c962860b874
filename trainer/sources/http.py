"""A polite HTTP client: real User-Agent, one request per host per interval, hard byte limits."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests

from .base import SourceSkip, SourceStop

if TYPE_CHECKING:
    from ..settings import TrainerSettings

IMAGE_TYPES = {"image/jpeg", "image/jpg", "image/png", "image/webp", "image/gif"}
MAX_PAGE_BYTES = 8 * 1024 * 1024
#: Status codes that mean "slow down" or "go away": stop the source for this run.
STOP_STATUSES = {401, 403, 429, 503}


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
    def from_settings(cls, s: "TrainerSettings") -> "PoliteClient":
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
        try:
            with self.session.get(url, headers={"Accept": accept}, timeout=self.timeout, stream=True,
                                  allow_redirects=True) as resp:
                if resp.status_code in STOP_STATUSES:
                    raise SourceStop("refused", f"{parts.netloc} answered {resp.status_code}; stopping this source.")
                if resp.status_code >= 400:
                    raise SourceSkip("network", f"{url[:200]} answered {resp.status_code}.")
                ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
                declared = resp.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise SourceSkip("too_large", f"{url[:200]} is larger than {limit >> 10} KB.")
                body = bytearray()
                for chunk in resp.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > limit:
                        raise SourceSkip("too_large", f"{url[:200]} is larger than {limit >> 10} KB.")
                return bytes(body), ctype
        except requests.RequestException as exc:
            raise SourceSkip("network", f"{url[:200]} could not be fetched ({type(exc).__name__}).") from None

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
