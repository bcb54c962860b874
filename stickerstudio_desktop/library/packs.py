"""Sticker packs in the library: named, ordered lists of stickers with emojis and alt text.

A pack only refers to library stickers (deleting a pack keeps them); each
change is one SQLite transaction, so a pack is never seen half-edited. The
library checks what holds for every platform (names, at most MAX_EMOJIS real
emojis); each platform's own rules are checked when a pack is exported
(``stickerstudio_desktop.packs``).
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterator, Sequence

from ..errors import LibraryError
from .emoji import MAX_EMOJIS, is_emoji

if TYPE_CHECKING:
    from .store import Library, LibraryEntry

#: Longest pack name, publisher or identifier the library keeps (no platform takes longer).
MAX_TEXT = 128
#: Longest accessibility text kept (WhatsApp's limit for animated stickers, the longest any takes).
MAX_ACCESSIBILITY = 255


@dataclass(frozen=True)
class PackSticker:
    entry: LibraryEntry
    position: int  # 1-based, the order the pack shows and exports
    emojis: tuple[str, ...]
    accessibility_text: str

    @property
    def label(self) -> str:
        """How messages name this sticker: its place in the pack and its caption."""
        return f"sticker {self.position}" + (f" (“{self.entry.title}”)" if self.entry.title else "")


@dataclass(frozen=True)
class Pack:
    id: int
    name: str
    identifier: str
    publisher: str
    tray_item: int | None  # None: the first sticker
    created: str
    stickers: tuple[PackSticker, ...]

    @property
    def tray(self) -> PackSticker | None:
        """The sticker the tray icon is made from: the chosen one, else the first."""
        chosen = [s for s in self.stickers if s.entry.id == self.tray_item]
        return (chosen or list(self.stickers) or [None])[0]


def _text(value: str, what: str, *, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise LibraryError(f"A pack {what} cannot be empty.")
    if len(value) > MAX_TEXT:
        raise LibraryError(f"A pack {what} can be at most {MAX_TEXT} characters; {value[:20]!r}… has {len(value)}.")
    return value


def check_emojis(emojis: Sequence[str]) -> tuple[str, ...]:
    """At most MAX_EMOJIS distinct emojis, each a real one; LibraryError says which is not."""
    cleaned = tuple(dict.fromkeys(e.strip() for e in emojis if e.strip()))
    for e in cleaned:
        if not is_emoji(e):
            raise LibraryError(f"{e!r} is not an emoji; give emojis like 😀 or 👍.")
    if len(cleaned) > MAX_EMOJIS:
        raise LibraryError(f"A pack sticker can have at most {MAX_EMOJIS} emojis, not {len(cleaned)}.")
    return cleaned


class PackStore:
    """Packs of one Library; get one from ``Library.packs``."""

    def __init__(self, library: Library) -> None:
        self.library = library

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction (a writing one takes the write lock first, so read-then-write is never raced);
        SQLite errors become one sentence."""
        con = self.library._connect()
        try:
            with con:
                if write:
                    con.execute("BEGIN IMMEDIATE")
                yield con
        except sqlite3.IntegrityError as exc:
            raise LibraryError(f"The pack change was refused by the library ({exc}).") from None
        except sqlite3.Error as exc:
            raise LibraryError(f"Could not update the sticker packs ({exc}).") from None
        finally:
            con.close()

    @staticmethod
    def _pack_id(con: sqlite3.Connection, name: str) -> int:
        row = con.execute("SELECT id FROM packs WHERE name = ?", (" ".join(name.split()),)).fetchone()
        if row is None:
            raise LibraryError(f"There is no sticker pack called {name!r}; `stickerstudio pack list` shows them.")
        return int(row["id"])

    # --- packs ------------------------------------------------------------

    def names(self) -> list[str]:
        with self._tx(write=False) as con:
            return [r["name"] for r in con.execute("SELECT name FROM packs ORDER BY name COLLATE NOCASE")]

    def all(self) -> list[Pack]:
        return [self.get(n) for n in self.names()]

    def exists(self, name: str) -> bool:
        with self._tx(write=False) as con:
            return con.execute("SELECT 1 FROM packs WHERE name = ?", (" ".join(name.split()),)).fetchone() is not None

    def get(self, name: str) -> Pack:
        """The pack and its stickers in order (stickers in the trash are left out)."""
        with self._tx(write=False) as con:
            pid = self._pack_id(con, name)
            row = con.execute("SELECT * FROM packs WHERE id = ?", (pid,)).fetchone()
            rows = con.execute("SELECT item_id, position, emojis, accessibility_text FROM pack_items"
                               " WHERE pack_id = ? ORDER BY position", (pid,)).fetchall()
        entries = [self.library.get(r["item_id"]) for r in rows]
        live = [(e, r) for e, r in zip(entries, rows) if not e.deleted]
        stickers = tuple(PackSticker(e, i, tuple(json.loads(r["emojis"])), r["accessibility_text"])
                         for i, (e, r) in enumerate(live, start=1))
        return Pack(id=pid, name=row["name"], identifier=row["identifier"], publisher=row["publisher"],
                    tray_item=row["tray_item"], created=row["created"], stickers=stickers)

    def create(self, name: str, publisher: str = "", identifier: str | None = None) -> Pack:
        name = _text(name, "name")
        ident = _identifier(identifier) if identifier else f"stickerstudio.{uuid.uuid4().hex[:16]}"
        with self._tx() as con:
            if con.execute("SELECT 1 FROM packs WHERE name = ?", (name,)).fetchone():
                raise LibraryError(f"There already is a sticker pack called {name!r}.")
            con.execute("INSERT INTO packs (name, identifier, publisher, created) VALUES (?,?,?,?)",
                        (name, ident, _text(publisher, "publisher", required=False),
                         datetime.now(timezone.utc).isoformat(timespec="seconds")))
        return self.get(name)

    def rename(self, name: str, new_name: str) -> Pack:
        new_name = _text(new_name, "name")
        with self._tx() as con:
            pid = self._pack_id(con, name)
            other = con.execute("SELECT id FROM packs WHERE name = ?", (new_name,)).fetchone()
            if other and other["id"] != pid:
                raise LibraryError(f"There already is a sticker pack called {new_name!r}.")
            con.execute("UPDATE packs SET name = ? WHERE id = ?", (new_name, pid))
        return self.get(new_name)

    def set_details(self, name: str, *, publisher: str | None = None, identifier: str | None = None) -> Pack:
        """Change the publisher and/or the identifier (platforms key a pack on it: change it knowingly)."""
        with self._tx() as con:
            pid = self._pack_id(con, name)
            if publisher is not None:
                con.execute("UPDATE packs SET publisher = ? WHERE id = ?",
                            (_text(publisher, "publisher", required=False), pid))
            if identifier is not None:
                con.execute("UPDATE packs SET identifier = ? WHERE id = ?", (_identifier(identifier), pid))
        return self.get(name)

    def delete(self, name: str) -> None:
        """Remove the pack; its stickers stay in the library."""
        with self._tx() as con:
            con.execute("DELETE FROM packs WHERE id = ?", (self._pack_id(con, name),))

    # --- stickers in a pack -----------------------------------------------

    def add(self, name: str, item_id: int, emojis: Sequence[str] = (), accessibility_text: str = "") -> Pack:
        """Append a library sticker to the pack."""
        entry = self.library.get(item_id)
        if entry.kind != "sticker" or entry.deleted:
            raise LibraryError(f"Library item {item_id} is not a sticker in the library; only stickers go in packs.")
        emojis = check_emojis(emojis)
        alt = _alt(accessibility_text)
        with self._tx() as con:
            pid = self._pack_id(con, name)
            if con.execute("SELECT 1 FROM pack_items WHERE pack_id = ? AND item_id = ?", (pid, item_id)).fetchone():
                raise LibraryError(f"Sticker {item_id} is already in the pack {name!r}.")
            last = con.execute("SELECT COALESCE(MAX(position), 0) FROM pack_items WHERE pack_id = ?",
                               (pid,)).fetchone()[0]
            con.execute("INSERT INTO pack_items (pack_id, item_id, position, emojis, accessibility_text)"
                        " VALUES (?,?,?,?,?)", (pid, item_id, last + 1, json.dumps(list(emojis)), alt))
        return self.get(name)

    def remove(self, name: str, item_id: int) -> Pack:
        with self._tx() as con:
            pid = self._pack_id(con, name)
            self._member(con, pid, name, item_id)
            con.execute("DELETE FROM pack_items WHERE pack_id = ? AND item_id = ?", (pid, item_id))
            con.execute("UPDATE packs SET tray_item = NULL WHERE id = ? AND tray_item = ?", (pid, item_id))
            self._renumber(con, pid, [r[0] for r in con.execute(
                "SELECT item_id FROM pack_items WHERE pack_id = ? ORDER BY position", (pid,))])
        return self.get(name)

    def move(self, name: str, item_id: int, position: int) -> Pack:
        """Put the sticker at *position* (1-based; past the end means last)."""
        if position < 1:
            raise LibraryError(f"A position in a pack starts at 1, not {position}.")
        with self._tx() as con:
            pid = self._pack_id(con, name)
            self._member(con, pid, name, item_id)
            order = [r[0] for r in con.execute(
                "SELECT item_id FROM pack_items WHERE pack_id = ? ORDER BY position", (pid,)) if r[0] != item_id]
            order.insert(position - 1, item_id)
            self._renumber(con, pid, order)
        return self.get(name)

    def set_emojis(self, name: str, item_id: int, emojis: Sequence[str]) -> Pack:
        return self._update_member(name, item_id, "emojis", json.dumps(list(check_emojis(emojis))))

    def set_accessibility_text(self, name: str, item_id: int, text: str) -> Pack:
        return self._update_member(name, item_id, "accessibility_text", _alt(text))

    def set_tray(self, name: str, item_id: int) -> Pack:
        """Make the tray icon from this sticker of the pack."""
        with self._tx() as con:
            pid = self._pack_id(con, name)
            self._member(con, pid, name, item_id)
            con.execute("UPDATE packs SET tray_item = ? WHERE id = ?", (item_id, pid))
        return self.get(name)

    def _update_member(self, name: str, item_id: int, column: str, value: str) -> Pack:
        with self._tx() as con:
            pid = self._pack_id(con, name)
            self._member(con, pid, name, item_id)
            con.execute(f"UPDATE pack_items SET {column} = ? WHERE pack_id = ? AND item_id = ?",  # noqa: S608
                        (value, pid, item_id))
        return self.get(name)

    @staticmethod
    def _member(con: sqlite3.Connection, pid: int, name: str, item_id: int) -> None:
        if not con.execute("SELECT 1 FROM pack_items WHERE pack_id = ? AND item_id = ?", (pid, item_id)).fetchone():
            raise LibraryError(f"Sticker {item_id} is not in the pack {name!r}.")

    @staticmethod
    def _renumber(con: sqlite3.Connection, pid: int, order: list[int]) -> None:
        con.executemany("UPDATE pack_items SET position = ? WHERE pack_id = ? AND item_id = ?",
                        [(i, pid, item) for i, item in enumerate(order, start=1)])


def _alt(text: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > MAX_ACCESSIBILITY:
        raise LibraryError(f"Accessibility text can be at most {MAX_ACCESSIBILITY} characters, not {len(text)}.")
    return text


def _identifier(value: str) -> str:
    """Letters, digits, dot, dash and underscore only: what WhatsApp accepts in a pack identifier."""
    value = _text(value, "identifier")
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", value):
        raise LibraryError(f"A pack identifier may only use letters, digits, '.', '-' and '_', not {value!r}.")
    return value
