"""Fetch an image URL dragged in from a browser: bounded in time and bytes, cancellable.

The bytes go through the same ``load_image`` validation as any file (the
pipeline does that); this module only makes sure a hostile or slow server
cannot hang a worker or fill memory (``net.http`` enforces the limits).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Mapping
from urllib.parse import unquote, urlparse

from ..errors import ImageLoadError
from ..net.http import HttpCancelled, HttpFailure, Limits, fetch

#: Generous for a photo, small enough that a wrong link cannot exhaust memory.
MAX_DOWNLOAD_BYTES = 40 * 1024 * 1024
LIMITS = Limits(connect_timeout_s=5.0, read_timeout_s=20.0, total_timeout_s=120.0, max_bytes=MAX_DOWNLOAD_BYTES)


def url_name(url: str) -> str:
    """A file-like label for messages: the last path segment, or the host."""
    parsed = urlparse(url)
    name = PurePosixPath(unquote(parsed.path)).name
    return name or parsed.hostname or "image"


def check_url(url: str) -> str:
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ImageLoadError(f"{url[:80]!r} is not a web address; only http and https links can be opened.")
    return url


def download_image(url: str, cancel: threading.Event | None = None,
                   max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes:
    """The body of *url*; ImageLoadError for network errors, HTTP errors, oversize bodies or cancel."""
    url = check_url(url)
    name = url_name(url)

    def check(status: int, content_type: str, headers: Mapping[str, str]) -> None:
        if status >= 400:
            raise ImageLoadError(f"Downloading {name} failed: the server answered {status}.")

    try:
        return fetch(url, limits=replace(LIMITS, max_bytes=max_bytes), cancel=cancel,
                     headers={"Accept": "image/*"}, check=check).body
    except HttpCancelled:
        raise ImageLoadError(f"Downloading {name} was cancelled.") from None
    except HttpFailure as failure:
        if failure.kind == "too_large":
            raise ImageLoadError(f"{name} is larger than {max_bytes >> 20} MB; it is not a photo we can use.") from None
        if failure.kind in ("connect_timeout", "read_timeout", "deadline"):
            raise ImageLoadError(f"Downloading {name} timed out; try saving the image and opening the file.") from None
        raise ImageLoadError(f"Could not download {name} ({failure.kind.replace('_', ' ')} error).") from None
