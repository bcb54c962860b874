"""The HTTP path every provider uses: retries, polls and provider-worded errors.

Each request is one ``net.http.fetch`` (connect, read and total deadlines,
byte cap, cancel while in flight); on top of it, 429/5xx are retried a
bounded number of times honouring ``Retry-After``, a ``threading.Event``
cancels between retries and polls, and every failure becomes a
GenerationError naming the service.
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

import requests

from .. import __version__
from ..errors import ConfigError, GenerationError
from ..net.http import HttpCancelled, HttpFailure, Limits, describe_bytes, fetch, safe_url
from .base import GenerationCancelled, one_line, redact

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpPolicy:
    """Limits for one generation; tests shrink the waits with ``time_scale``."""

    connect_timeout_s: float = 6.0
    read_timeout_s: float = 90.0      # Ultra can take half a minute before the first byte
    total_timeout_s: float = 180.0    # per response, so a trickling body cannot hang us
    max_bytes: int = 20 * 1024 * 1024
    max_error_bytes: int = 64 * 1024
    max_retries: int = 2              # extra attempts after a 429/5xx
    backoff_s: float = 2.0            # doubled per retry when there is no Retry-After
    max_retry_wait_s: float = 30.0    # a longer Retry-After gives up instead of waiting
    min_poll_interval_s: float = 1.0
    max_poll_interval_s: float = 10.0  # caps ModelsLab's eta per poll
    max_poll_wait_s: float = 120.0    # total (logical) seconds spent waiting on a queued job
    time_scale: float = 1.0           # multiplies every sleep; tests use ~0.01
    cancel_check_s: float = 0.05      # how often an in-flight request looks at the cancel flag

    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout_s, self.read_timeout_s)

    def limits(self, max_bytes: int | None = None) -> Limits:
        return Limits(self.connect_timeout_s, self.read_timeout_s, self.total_timeout_s,
                      max_bytes or self.max_bytes, self.max_error_bytes, self.cancel_check_s)


@dataclass(frozen=True)
class Reply:
    """A fully read, size-checked HTTP answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    content_type: str
    retry_after: float | None
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json_object(self, service: str) -> dict[str, Any]:
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise GenerationError(f"{service} answered with malformed JSON.") from None
        if not isinstance(data, dict):
            raise GenerationError(f"{service} answered with JSON that is not an object.")
        return data


def join_url(base: str, path: str, *, setting: str) -> str:
    """``base`` + ``path`` after checking that *base* is a plain http(s) URL."""
    base = (base or "").strip()
    try:
        parts = urlsplit(base)
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        raise ConfigError(f"The {setting} setting is not a valid address.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"The {setting} setting must be an http:// or https:// address, not {safe_url(base)!r}.")
    if parts.query or parts.fragment:
        raise ConfigError(f"The {setting} setting must not contain a query string.")
    return base.rstrip("/") + path


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def error_detail(reply: Reply, secrets: Iterable[str | None] = ()) -> str:
    """The server's own short reason from an error body, key-free, or ''."""
    try:
        data: Any = json.loads(reply.body.decode("utf-8", "replace"))
    except ValueError:
        raw = reply.body.decode("utf-8", "replace").strip()
        data = "" if raw.startswith("<") else raw  # HTML error pages say nothing useful
    return json_detail(data, secrets)


def json_detail(data: Any, secrets: Iterable[str | None] = ()) -> str:
    """Short reason from a decoded answer.

    Knows Stability's ``{"name", "errors": [...]}`` and ModelsLab's
    ``{"message"|"messege"|"error": ...}`` shapes (ModelsLab really does
    misspell it sometimes).
    """
    text = ""
    if isinstance(data, dict):
        parts: list[str] = []
        for key in ("errors", "message", "messege", "error", "detail", "name"):
            value = data.get(key)
            if isinstance(value, list):
                parts.extend(str(v) for v in value if v)
            elif isinstance(value, dict):
                parts.extend(f"{k}: {v}" for k, v in value.items())
            elif value:
                parts.append(str(value))
            if parts:
                break
        text = "; ".join(parts)
    elif isinstance(data, str):
        text = data
    return one_line(redact(text, secrets))


def explain_status(service: str, reply: Reply, specific: Mapping[int, str] | None = None,
                   secrets: Iterable[str | None] = ()) -> GenerationError:
    """One sentence for a non-2xx reply; *specific* templates win per status.

    Templates may use ``{service}``, ``{status}``, ``{detail}`` (the server's
    reason in parentheses, or nothing) and ``{wait}``.
    """
    detail = error_detail(reply, secrets)
    fields = {
        "service": service,
        "status": reply.status,
        "detail": f" ({detail})" if detail else "",
        "wait": (f"{reply.retry_after:.0f} s" if reply.retry_after is not None else "a minute"),
    }
    status = reply.status
    template = (specific or {}).get(status)
    if template is None:
        if 300 <= status < 400:
            template = "{service} redirected the request (HTTP {status}); check its address setting."
        elif status == 401:
            template = "{service} did not accept the API key (HTTP 401); check the key you configured."
        elif status == 404:
            template = "{service} has no such endpoint (HTTP 404); check its address setting."
        elif status == 429:
            template = "{service} is rate-limiting requests; wait {wait} and try again."
        elif status >= 500:
            template = "{service} had a server error (HTTP {status}); try again later."
        else:
            template = "{service} refused the request with HTTP {status}{detail}."
    return GenerationError(template.format(**fields))


class HttpClient:
    """One session, one policy, one cancel flag: shared by a generation's providers."""

    def __init__(self, policy: HttpPolicy | None = None, cancel: threading.Event | None = None,
                 session: requests.Session | None = None) -> None:
        self.policy = policy or HttpPolicy()
        self.cancel = cancel
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = f"StickerStudio/{__version__}"
        self.session.max_redirects = 5

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- cancellation ---------------------------------------------------
    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise GenerationCancelled("Generation was cancelled.")

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds × time_scale``, waking at once on cancel."""
        self.check_cancel()
        delay = max(0.0, seconds) * self.policy.time_scale
        if self.cancel is None:
            time.sleep(delay)
        elif self.cancel.wait(delay):
            raise GenerationCancelled("Generation was cancelled.")

    # --- requests -------------------------------------------------------
    def send(self, service: str, method: str, url: str, *, expect: str,
             retry: bool = False,
             redirects: bool = False, max_bytes: int | None = None,
             **kwargs: Any) -> Reply:
        """Send with bounded retries; a 2xx reply has the *expect*ed type.

        ``expect`` is ``"image"`` or ``"json"``. Non-2xx replies are returned
        (body capped) so the provider can explain them in its own words.
        ``redirects`` stays off for requests that carry a key, so a redirect
        can never forward the key to another host.
        """
        policy = self.policy
        attempt = 0
        while True:
            self.check_cancel()
            reply = self._once(service, method, url, expect, redirects, max_bytes, kwargs)
            if not (retry and reply.status in RETRY_STATUSES) or attempt >= policy.max_retries:
                return reply
            delay = reply.retry_after if reply.retry_after is not None else policy.backoff_s * 2 ** attempt
            if delay > policy.max_retry_wait_s:
                log.info("%s: HTTP %s asks to wait %.0f s, more than %.0f s; giving up",
                         service, reply.status, delay, policy.max_retry_wait_s)
                return reply
            attempt += 1
            log.info("%s: HTTP %s, retry %d of %d in %.1f s",
                     service, reply.status, attempt, policy.max_retries, delay)
            self.wait(delay)

    def _once(self, service: str, method: str, url: str, expect: str,
              redirects: bool, max_bytes: int | None, kwargs: Mapping[str, Any]) -> Reply:
        def check(status: int, content_type: str, headers: Mapping[str, str]) -> None:
            if 200 <= status < 300:
                _check_type(service, expect, content_type)

        try:
            r = fetch(url, limits=self.policy.limits(max_bytes), method=method, session=self.session,
                      cancel=self.cancel, redirects=redirects, check=check, **kwargs)
        except HttpCancelled:
            raise GenerationCancelled("Generation was cancelled.") from None
        except HttpFailure as failure:
            raise _explain_failure(service, safe_url(url), self.policy, failure) from None
        return Reply(r.status, r.headers, r.body, r.content_type, parse_retry_after(r.headers.get("Retry-After")),
                     r.elapsed_s)


def _explain_failure(service: str, where: str, policy: HttpPolicy, failure: HttpFailure) -> GenerationError:
    """The transport's failure in the words a provider's user needs."""
    messages = {
        "connect_timeout": f"Could not reach {service} at {where} within {policy.connect_timeout_s:g} s; "
                           "check the address and your connection.",
        "read_timeout": f"{service} did not answer within {policy.read_timeout_s:g} s; "
                        "try again later or use another provider.",
        "deadline": f"{service} took longer than {policy.total_timeout_s:g} s to send its answer.",
        "too_large": f"{service} sent more than {describe_bytes(int(failure.limit or 0))}, the limit for one answer.",
        "redirects": f"{service} redirected too many times; check its address setting.",
        "ssl": f"The secure connection to {service} at {where} failed; check the address and the system clock.",
        "connect": f"Could not connect to {service} at {where}; check that it is running and the address is right.",
        "broken": f"The connection to {service} broke off in the middle of its answer.",
        "decode": f"{service} sent a body that could not be decompressed.",
    }
    return GenerationError(messages.get(failure.kind, f"The request to {service} failed ({failure})."))


def _check_type(service: str, expect: str, content_type: str) -> None:
    if expect == "image":
        good = content_type.startswith("image/")
        wanted = "an image"
    elif expect == "json":
        good = content_type == "application/json" or content_type.endswith("+json")
        wanted = "JSON"
    else:  # pragma: no cover - programming error
        raise ValueError(expect)
    if not good:
        raise GenerationError(f"{service} answered with {content_type or 'no content type'} "
                              f"instead of {wanted}.")
