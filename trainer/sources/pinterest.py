"""Pinterest search results and boards, read from the server-rendered page.

No browser: the page's HTML already lists each pin's image (see
``htmlimages``). Position is kept per source: the page being worked on
(following rel="next" links when a page is used up) and, in the state
database, every URL already handled, so a later run goes on where the
last one stopped. Pinterest may answer 403/429 to scripted clients; that
stops the source for the run and is counted, never retried in a loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator
from urllib.parse import quote_plus, urlsplit

from .base import Candidate
from .htmlimages import PINIMG_BASE, extract_image_urls, next_page_url

if TYPE_CHECKING:
    from ..state import TrainerState
    from .http import PoliteClient

#: Pages followed per run; a board of thousands of pins is worked through over many nights.
MAX_PAGES = 20


def start_url(query_or_url: str, base_url: str) -> str:
    """A board/search URL as given, or the search page for a plain query."""
    if urlsplit(query_or_url).scheme in ("http", "https"):
        return query_or_url
    return f"{base_url.rstrip('/')}/search/pins/?q={quote_plus(query_or_url)}&rs=typed"


class PinterestSource:
    kind = "pinterest"

    def __init__(self, query_or_url: str, *, client: PoliteClient, base_url: str,
                 image_base: str = PINIMG_BASE) -> None:
        self.start = start_url(query_or_url, base_url)
        self.client = client
        self.image_base = image_base
        self.key = f"pinterest:{self.start}"

    def candidates(self, state: TrainerState) -> Iterator[Candidate]:
        page = state.cursor(self.key).get("page") or self.start
        visited: set[str] = set()
        while page and page not in visited and len(visited) < MAX_PAGES:
            visited.add(page)
            html = self.client.text(page)  # SourceSkip/SourceStop end this source for the run
            for url in extract_image_urls(html, page, self.image_base):
                if not state.seen(url):
                    yield Candidate(key=url, origin=url, fetch=lambda u=url: self.client.image(u))
            # Everything on this page is handled: go on from the next page next time, or
            # start over at the top (new pins appear there) when there is none.
            page = next_page_url(html, page)
            state.set_cursor(self.key, {"page": page} if page else {})
