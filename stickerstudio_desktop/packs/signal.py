"""Signal: a folder of stickers up to 512 px and 300 KiB each, with the emoji list, title and author."""

from __future__ import annotations

from typing import Sequence

from ..library.packs import Pack
from .base import Platform, ReadySticker, Rules, emoji_list, text_files

RULES = Rules(platform="Signal", preset="signal", min_stickers=1, max_stickers=200, required=("name",))


class Signal(Platform):
    rules = RULES

    def layout(self, pack: Pack, ready: Sequence[ReadySticker]) -> dict[str, bytes]:
        return {"emoji.txt": emoji_list(ready), **text_files(pack), **{r.file_name: r.encoded.data for r in ready}}
