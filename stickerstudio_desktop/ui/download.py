"""Fetch an image URL dragged in from a browser: bounded in time and bytes.

The bytes go through the same ``load_image`` validation as any file (the
pipeline does that); this module only makes sure a hostile or slow server
cannot hang a worker or fill memory, and that cancel is honoured.
"""

from __future__ import annotations

import threading
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from ..errors import ImageLoadError

#: Generous for a photo, small enough that a wrong link cannot exhaust memory.
MAX_DOWNLOAD_BYTES = 40 * 1024 * 1024
CONNECT_TIMEOUT_S, READ_TIMEOUT_S = 5.0, 20.0
CHUNK = 64 * 1024


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
    """The body of *url*; ImageLoadError for network errors, HTTP errors or oversize bodies."""
    import requests

    url = check_url(url)
    name = url_name(url)
    cancel = cancel or threading.Event()
    try:
        with requests.get(url, stream=True, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
                          headers={"Accept": "image/*"}) as resp:
            if resp.status_code >= 400:
                raise ImageLoadError(f"Downloading {name} failed: the server answered {resp.status_code}.")
            declared = resp.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise ImageLoadError(f"{name} is larger than {max_bytes >> 20} MB; it is not a photo we can use.")
            body = bytearray()
            for chunk in resp.iter_content(CHUNK):
                if cancel.is_set():
                    raise ImageLoadError(f"Downloading {name} was cancelled.")
                body += chunk
                if len(body) > max_bytes:
                    raise ImageLoadError(f"{name} is larger than {max_bytes >> 20} MB; it is not a photo we can use.")
            return bytes(body)
    except requests.Timeout:
        raise ImageLoadError(f"Downloading {name} timed out; try saving the image and opening the file.") from None
    except requests.RequestException as exc:
        raise ImageLoadError(f"Could not download {name} ({type(exc).__name__}).") from None
