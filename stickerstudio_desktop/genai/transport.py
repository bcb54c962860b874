"""The one HTTP path every provider uses: timeouts, retries, caps, cancel.

Why it exists: the original client waited forever, retried nothing, read
unbounded bodies and could not be stopped from the UI. Here every request
has a connect and a read timeout plus a total deadline, a body is streamed
against a byte cap, 429/5xx are retried a bounded number of times honouring
``Retry-After``, and a ``threading.Event`` cancels between retries, between
polls and while a request is in flight (the blocking call runs in a worker
thread that is abandoned on cancel).
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

from .. import __version__
from ..errors import ConfigError, GenerationError
from .base import GenerationCancelled, one_line, redact

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CHUNK = 64 * 1024
T = TypeVar("T")


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


def safe_url(url: str) -> str:
    """URL without user info, query or fragment: fit for logs and messages."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return "(invalid URL)"


def join_url(base: str, path: str, *, setting: str) -> str:
    """``base`` + ``path`` after checking that *base* is a plain http(s) URL."""
    base = (base or "").strip()
    try:
        parts = urlsplit(base)
        parts.port  # raises ValueError for a bad port
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

    def __enter__(self) -> "HttpClient":
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

    def _cancellable(self, fn: Callable[[], T]) -> T:
        """Run a blocking call; return early on cancel and abandon its thread."""
        if self.cancel is None:
            return fn()
        box: dict[str, Any] = {}
        done = threading.Event()

        def run() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # handed to the caller below
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=run, name="genai-http", daemon=True).start()
        while not done.wait(self.policy.cancel_check_s):
            self.check_cancel()
        if "error" in box:
            raise box["error"]
        return box["value"]

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
            reply = self._cancellable(lambda: self._once(service, method, url, expect,
                                                         redirects, max_bytes, kwargs))
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
        policy = self.policy
        where = safe_url(url)
        start = time.monotonic()
        try:
            with self.session.request(method, url, timeout=policy.timeout(), stream=True,
                                      allow_redirects=redirects, **kwargs) as resp:
                ok = 200 <= resp.status_code < 300
                content_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
                cap = (max_bytes or policy.max_bytes) if ok else policy.max_error_bytes
                if ok:
                    _check_type(service, expect, content_type)
                body = self._read(resp, cap, service, start, truncate=not ok)
                return Reply(resp.status_code, resp.headers, body, content_type,
                             parse_retry_after(resp.headers.get("Retry-After")),
                             time.monotonic() - start)
        except GenerationError:
            raise
        except requests.exceptions.ConnectTimeout:
            raise GenerationError(f"Could not reach {service} at {where} within "
                                  f"{policy.connect_timeout_s:g} s; check the address and your connection.") from None
        except requests.exceptions.ReadTimeout:
            raise _read_timeout(service, policy) from None
        except requests.exceptions.TooManyRedirects:
            raise GenerationError(f"{service} redirected too many times; check its address setting.") from None
        except requests.exceptions.SSLError:
            raise GenerationError(f"The secure connection to {service} at {where} failed; "
                                  "check the address and the system clock.") from None
        except requests.exceptions.ConnectionError as exc:
            if exc.args and isinstance(exc.args[0], ReadTimeoutError):
                raise _read_timeout(service, policy) from None
            raise GenerationError(f"Could not connect to {service} at {where}; "
                                  "check that it is running and the address is right.") from None
        except ReadTimeoutError:  # raised by raw reads in _chunks
            raise _read_timeout(service, policy) from None
        except (ProtocolError, requests.exceptions.ChunkedEncodingError):
            raise GenerationError(f"The connection to {service} broke off in the middle of its answer.") from None
        except (DecodeError, requests.exceptions.ContentDecodingError):
            raise GenerationError(f"{service} sent a body that could not be decompressed.") from None
        except requests.exceptions.RequestException as exc:
            raise GenerationError(f"The request to {service} failed ({type(exc).__name__}).") from None

    def _read(self, resp: requests.Response, cap: int, service: str, start: float, *, truncate: bool) -> bytes:
        length = resp.headers.get("Content-Length", "")
        if not truncate and length.isdigit() and int(length) > cap:
            raise _too_large(service, cap)
        buf = bytearray()
        deadline = start + self.policy.total_timeout_s
        for chunk in _chunks(resp):
            if self.cancel is not None and self.cancel.is_set():
                raise GenerationCancelled("Generation was cancelled.")
            buf += chunk
            if len(buf) > cap:
                if truncate:
                    return bytes(buf[:cap])
                raise _too_large(service, cap)
            if time.monotonic() > deadline:
                raise GenerationError(f"{service} took longer than {self.policy.total_timeout_s:g} s "
                                      "to send its answer.")
        return bytes(buf)


def _chunks(resp: requests.Response) -> Iterator[bytes]:
    """Body pieces as soon as they arrive, so the deadline and cancel are seen
    even when a server trickles (``iter_content`` blocks for a full chunk)."""
    raw = resp.raw
    if not hasattr(raw, "read1"):  # urllib3 < 2
        yield from resp.iter_content(_CHUNK)
        return
    while True:
        chunk = raw.read1(_CHUNK, decode_content=True)
        if not chunk:
            return
        yield chunk


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


def _read_timeout(service: str, policy: HttpPolicy) -> GenerationError:
    return GenerationError(f"{service} did not answer within {policy.read_timeout_s:g} s; "
                           "try again later or use another provider.")


def _too_large(service: str, cap: int) -> GenerationError:
    size = f"{cap / 1_048_576:.3g} MB" if cap >= 1_048_576 else f"{cap / 1024:.3g} KB"
    return GenerationError(f"{service} sent more than {size}, the limit for one answer.")
