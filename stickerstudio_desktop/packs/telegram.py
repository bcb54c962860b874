"""Telegram: a folder of 512-px PNG/WebP stickers and their emoji list, ready for @Stickers or the Bot API."""

from __future__ import annotations

from typing import Sequence

from ..library.packs import Pack
from ..sticker.presets import Preset
from .base import Platform, ReadySticker, Rules, emoji_list, text_files

#: Static sets take up to 120 stickers, each with 1–20 emojis; a set title is 1–64 characters.
RULES = Rules(platform="Telegram", preset="telegram", min_stickers=1, max_stickers=120, min_emojis=1,
              max_emojis=20, required=("name",), max_text=64)
#: A static set's thumbnail (uploads only): 100×100 PNG or WebP, at most 128 KB.
THUMBNAIL = Preset("telegram-thumbnail", "Telegram set thumbnail: 100×100, at most 128 KB", "exact", 100,
                   ("PNG", "WEBP"), 128 * 1024)


class Telegram(Platform):
    rules = RULES

    def layout(self, pack: Pack, ready: Sequence[ReadySticker]) -> dict[str, bytes]:
        return {"emoji.txt": emoji_list(ready), "title.txt": text_files(pack)["title.txt"],
                **{r.file_name: r.encoded.data for r in ready}}
