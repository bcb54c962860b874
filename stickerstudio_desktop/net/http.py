"""One bounded HTTP request: connect, read and total deadlines, a byte cap, cancellation.

Why it exists: text-to-image, URL drops and the trainer's scraper each talk
to servers we do not control, and each once had its own client with its own
gaps (no total deadline, unbounded bodies, no cancel). Every request here
has a connect and a read timeout plus a total deadline, its body is streamed
against a byte cap, and a ``threading.Event`` cancels it between chunks and
while it is in flight (the blocking call runs in a worker thread that is
abandoned on cancel). Failures are ``HttpFailure`` with a ``kind``; each
caller turns that into its own exception with its own sentence.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

from ..errors import StickerStudioError

_CHUNK = 64 * 1024
T = TypeVar("T")
#: Called with (status, content type, headers) before the body is read; raise to refuse the answer.
Check = Callable[[int, str, Mapping[str, str]], None]


@dataclass(frozen=True)
class Limits:
    connect_timeout_s: float = 6.0
    read_timeout_s: float = 20.0  # longest silence while waiting for a byte
    total_timeout_s: float = 60.0  # per response, so a trickling body cannot hang us
    max_bytes: int = 20 * 1024 * 1024  # a 2xx body over this fails
    max_error_bytes: int = 64 * 1024  # a non-2xx body is cut here (it is only read for its reason)
    cancel_check_s: float = 0.05  # how often an in-flight request looks at the cancel flag


@dataclass(frozen=True)
class Response:
    """A fully read, size-checked answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    content_type: str  # lower case, without parameters
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class HttpFailure(StickerStudioError):
    """The request failed; *kind* is one of connect_timeout, read_timeout, deadline, too_large,
    connect, ssl, redirects, broken, decode, request, cancelled."""

    def __init__(self, kind: str, message: str, limit: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.limit = limit  # the seconds or bytes that were exceeded, when that is the reason


class HttpCancelled(HttpFailure):
    def __init__(self) -> None:
        super().__init__("cancelled", "The download was cancelled.")


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


def fetch(url: str, *, limits: Limits, method: str = "GET", session: requests.Session | None = None,
          cancel: threading.Event | None = None, redirects: bool = True, check: Check | None = None,
          **kwargs: Any) -> Response:
    """Send one request and read its whole body within *limits*; HttpFailure otherwise.

    *check* sees the status and headers before the body is read (e.g. to
    refuse a wrong content type early); its exceptions pass through.
    """
    if cancel is not None and cancel.is_set():
        raise HttpCancelled()
    return _cancellable(lambda: _once(session or requests, method, url, limits, cancel, redirects, check,
                                      kwargs), cancel, limits.cancel_check_s)


def _cancellable(fn: Callable[[], T], cancel: threading.Event | None, every_s: float) -> T:
    """Run a blocking call; return early on cancel and abandon its thread."""
    if cancel is None:
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

    threading.Thread(target=run, name="stickerstudio-http", daemon=True).start()
    while not done.wait(every_s):
        if cancel.is_set():
            raise HttpCancelled()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _once(session: Any, method: str, url: str, limits: Limits, cancel: threading.Event | None,
          redirects: bool, check: Check | None, kwargs: Mapping[str, Any]) -> Response:
    where = safe_url(url)
    start = time.monotonic()
    try:
        with session.request(method, url, timeout=(limits.connect_timeout_s, limits.read_timeout_s), stream=True,
                             allow_redirects=redirects, **kwargs) as resp:
            ok = 200 <= resp.status_code < 300
            content_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if check is not None:
                check(resp.status_code, content_type, resp.headers)
            cap = limits.max_bytes if ok else limits.max_error_bytes
            body = _read(resp, cap, limits, cancel, start, truncate=not ok)
            return Response(resp.status_code, resp.headers, body, content_type, time.monotonic() - start)
    except requests.exceptions.ConnectTimeout:
        raise HttpFailure("connect_timeout", f"Could not reach {where} within {limits.connect_timeout_s:g} s.",
                          limits.connect_timeout_s) from None
    except requests.exceptions.ReadTimeout:
        raise _read_timeout(where, limits) from None
    except requests.exceptions.TooManyRedirects:
        raise HttpFailure("redirects", f"{where} redirected too many times.") from None
    except requests.exceptions.SSLError:
        raise HttpFailure("ssl", f"The secure connection to {where} failed.") from None
    except requests.exceptions.ConnectionError as exc:
        if exc.args and isinstance(exc.args[0], ReadTimeoutError):
            raise _read_timeout(where, limits) from None
        raise HttpFailure("connect", f"Could not connect to {where}.") from None
    except ReadTimeoutError:  # raised by raw reads in _chunks
        raise _read_timeout(where, limits) from None
    except (ProtocolError, requests.exceptions.ChunkedEncodingError):
        raise HttpFailure("broken", f"The connection to {where} broke off in the middle of its answer.") from None
    except (DecodeError, requests.exceptions.ContentDecodingError):
        raise HttpFailure("decode", f"{where} sent a body that could not be decompressed.") from None
    except requests.exceptions.RequestException as exc:
        raise HttpFailure("request", f"The request to {where} failed ({type(exc).__name__}).") from None


def _read(resp: requests.Response, cap: int, limits: Limits, cancel: threading.Event | None, start: float, *,
          truncate: bool) -> bytes:
    length = resp.headers.get("Content-Length", "")
    if not truncate and length.isdigit() and int(length) > cap:
        raise _too_large(cap)
    buf = bytearray()
    deadline = start + limits.total_timeout_s
    for chunk in _chunks(resp):
        if cancel is not None and cancel.is_set():
            raise HttpCancelled()
        buf += chunk
        if len(buf) > cap:
            if truncate:
                return bytes(buf[:cap])
            raise _too_large(cap)
        if time.monotonic() > deadline:
            raise HttpFailure("deadline", f"The answer took longer than {limits.total_timeout_s:g} s.",
                              limits.total_timeout_s)
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


def _read_timeout(where: str, limits: Limits) -> HttpFailure:
    return HttpFailure("read_timeout", f"{where} did not answer within {limits.read_timeout_s:g} s.",
                       limits.read_timeout_s)


def _too_large(cap: int) -> HttpFailure:
    return HttpFailure("too_large", f"The answer is larger than {describe_bytes(cap)}.", cap)


def describe_bytes(n: int) -> str:
    """1.5 MB, 64 KB: for messages about limits."""
    return f"{n / 1_048_576:.3g} MB" if n >= 1_048_576 else f"{n / 1024:.3g} KB"
