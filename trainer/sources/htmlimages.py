"""Find image URLs in a saved or fetched page: Pinterest's pinimg links and plain <img> tags.

Pinterest renders each pin as ``<img src srcset>`` pointing at
``i.pinimg.com/<size>/<aa>/<bb>/<cc>/<32 hex>.<ext>`` and repeats the same
URLs, JSON-escaped (``https:\\/\\/i.pinimg.com\\/736x\\/...``), in the
``__PWS_DATA__`` / ``__PWS_INITIAL_PROPS__`` / relay ``<script>`` blobs under
``"images": {"236x": {...}, "736x": {...}, "orig": {...}}``. One pattern over
the unescaped text catches every form; each image is reduced to its hash
and asked for at 736 px wide, a size every pin has (``originals`` may be
another extension). ``NNxNN_RS`` sizes are avatars and are ignored.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

PIN_SIZE = "736x"
PINIMG_BASE = "https://i.pinimg.com"
_PINIMG = re.compile(
    r"https?://i\.pinimg\.com/(?P<size>[A-Za-z0-9_]+)/"
    r"(?P<path>[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{2}/(?P<hash>[0-9a-f]{32})\.(?:jpe?g|png|webp|gif))",
    re.IGNORECASE)
_AVATAR = re.compile(r"^\d+x\d+_RS$", re.IGNORECASE)
_UNESCAPES = (("\\/", "/"), ("\\u002F", "/"), ("\\u002f", "/"), ("&#x2F;", "/"), ("&amp;", "&"))
_SKIP_SUFFIXES = (".svg", ".ico")


def _unescape(text: str) -> str:
    for old, new in _UNESCAPES:
        text = text.replace(old, new)
    return text


def pinterest_image_urls(html: str, image_base: str = PINIMG_BASE) -> list[str]:
    """Distinct pin images in page order, as 736x URLs under *image_base* (a mirror in tests)."""
    out, seen = [], set()
    for m in _PINIMG.finditer(_unescape(html)):
        if _AVATAR.match(m.group("size")) or m.group("hash").lower() in seen:
            continue
        seen.add(m.group("hash").lower())
        path = m.group("path")
        if m.group("size").lower() == "originals":  # 736x thumbnails are JPEG whatever the original was
            path = path.rsplit(".", 1)[0] + ".jpg"
        out.append(f"{image_base.rstrip('/')}/{PIN_SIZE}/{path}")
    return out


class _ImgCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.next: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in ("img", "source"):
            best = _largest_from_srcset(a.get("srcset", "") or a.get("data-srcset", ""))
            for url in (best, a.get("data-src", ""), a.get("src", "")):
                if url:
                    self.urls.append(url)
                    break
        elif tag == "meta" and a.get("property", a.get("name", "")).lower() in ("og:image", "twitter:image"):
            if a.get("content"):
                self.urls.append(a["content"])
        elif tag in ("link", "a") and "next" in a.get("rel", "").lower().split() and a.get("href"):
            self.next = self.next or a["href"]


def _largest_from_srcset(srcset: str) -> str:
    """The candidate with the largest width (``800w``) or density (``2x``) descriptor."""
    best, best_size = "", -1.0
    for part in srcset.split(","):
        bits = part.strip().split()
        if not bits:
            continue
        size = 1.0
        if len(bits) > 1:
            try:
                size = float(bits[1][:-1])
            except ValueError:
                size = 1.0
        if size > best_size:
            best, best_size = bits[0], size
    return best


def _parse(html: str) -> _ImgCollector:
    parser = _ImgCollector()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; a hostile page must still not break the run
        pass
    return parser


def generic_image_urls(html: str, base_url: str) -> list[str]:
    """Absolute http(s) URLs of <img>/<source>/og:image images, page order, no duplicates."""
    out, seen = [], set()
    for raw in _parse(html).urls:
        url = urljoin(base_url, raw.strip())
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.path.lower().endswith(_SKIP_SUFFIXES):
            continue
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def extract_image_urls(html: str, base_url: str, image_base: str = PINIMG_BASE) -> list[str]:
    """Pinterest pin images when the page has them, otherwise its plain images."""
    pins = pinterest_image_urls(html, image_base)
    return pins if pins else generic_image_urls(html, base_url)


def next_page_url(html: str, base_url: str) -> str | None:
    """The page's rel="next" link, absolute, if any."""
    href = _parse(html).next
    if not href:
        return None
    url = urljoin(base_url, href)
    return url if urlsplit(url).scheme in ("http", "https") else None
