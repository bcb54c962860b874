"""Sticker packs for either door: fill a pack from the library, export it for a platform."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..library.emoji import suggest_emojis
from .control import JobControl, SilentControl

if TYPE_CHECKING:
    from ..library import LibraryEntry
    from ..library.packs import Pack
    from ..packs.base import PackExport
    from ..packs.telegram_bot import Uploaded
    from .context import AppContext


def find_sticker(ctx: AppContext, ref: str | int) -> LibraryEntry:
    """A library sticker by its id or by the path of its file (what ``make`` prints)."""
    text = str(ref).strip()
    return ctx.library.get(int(text)) if text.isdigit() else ctx.library.by_path(Path(text))


def add_to_pack(ctx: AppContext, pack_name: str, entries: Sequence[LibraryEntry], emojis: Sequence[str] = (),
                accessibility_text: str = "", *, create: bool = True) -> Pack:
    """Append stickers to the pack (made on first use when *create*); no *emojis*: suggested from each caption."""
    packs = ctx.library.packs
    if create and not packs.exists(pack_name):
        packs.create(pack_name)
    pack = packs.get(pack_name)
    for entry in entries:
        pack = packs.add(pack.name, entry.id, emojis or suggest_emojis(entry.title), accessibility_text)
    return pack


def export_pack(ctx: AppContext, pack_name: str, platform: str, target: Path, *, publisher: str | None = None,
                overwrite: bool = False) -> PackExport:
    """Check the pack against *platform*'s rules, then write it; nothing is written when a rule is broken."""
    from ..packs.platforms import get_platform

    exporter = get_platform(platform)
    return exporter.export(ctx.library.packs.get(pack_name), target, publisher=publisher, overwrite=overwrite)


def upload_to_telegram(ctx: AppContext, pack_name: str, user_id: int, *, set_name: str | None = None,
                       control: JobControl | None = None) -> Uploaded:
    """Create or extend the pack's Telegram sticker set with the bot token from the environment or keyring."""
    from ..packs.telegram_bot import TelegramBot, bot_token

    control = control or SilentControl()
    pack = ctx.library.packs.get(pack_name)
    control.report(-1, f"Uploading {len(pack.stickers)} stickers to Telegram…")
    return TelegramBot(bot_token(), cancel=control.cancel_event).upload(pack, user_id, set_name)
