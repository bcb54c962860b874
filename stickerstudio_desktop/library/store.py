"""The sticker library: files in the data dir, indexed in SQLite.

Writes are temp file + rename, names are unique and never overwritten, and
deleting moves the file into ``.trash`` so it can be undone.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..errors import LibraryError
from ..files import atomic_write_bytes, unique_path

if TYPE_CHECKING:
    from PIL import Image

    from .packs import PackStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('sticker', 'generated')),
    created TEXT NOT NULL,
    file TEXT NOT NULL,
    master TEXT,
    format TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    source_sha256 TEXT,
    title TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',
    deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS items_created ON items (created);
"""

#: Schema changes after the first release, in order; ``PRAGMA user_version`` counts those applied.
#: A library made by an older version is brought up to date in one transaction when it is opened.
MIGRATIONS = (
    # 1: sticker packs (an ordered list of library stickers, each with its emojis and alt text)
    """
    CREATE TABLE packs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        identifier TEXT NOT NULL UNIQUE,
        publisher TEXT NOT NULL DEFAULT '',
        tray_item INTEGER REFERENCES items (id) ON DELETE SET NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE pack_items (
        pack_id INTEGER NOT NULL REFERENCES packs (id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        emojis TEXT NOT NULL DEFAULT '[]',
        accessibility_text TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (pack_id, item_id)
    );
    CREATE INDEX pack_items_order ON pack_items (pack_id, position);
    """,
)


@dataclass(frozen=True)
class LibraryEntry:
    id: int
    kind: str
    created: str
    path: Path
    master: Path | None
    format: str
    width: int
    height: int
    bytes: int
    source_sha256: str | None
    title: str
    meta: dict[str, Any]
    deleted: bool

    @property
    def animated(self) -> bool:
        """Animated stickers are not made yet; an entry says so in its meta once they are."""
        return bool(self.meta.get("animated"))

    def image(self) -> Image.Image:
        """The full-size master when there is one (re-exports start from it), else the exported file."""
        from ..imaging import load_image

        path = self.master if self.master and self.master.is_file() else self.path
        return load_image(path, name=path.name)


def slugify(text: str, limit: int = 40) -> str:
    """A file-name-safe stem from a caption: letters, digits and dashes only."""
    text = unicodedata.normalize("NFKC", text or "")
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_").lower()
    slug = slug[:limit].strip("-_")
    return slug or "sticker"


class Library:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.db_path = self.root / "library.sqlite3"
        try:
            for sub in ("stickers", "masters", "generated", ".trash"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
            with self._connect() as con:
                con.executescript(SCHEMA)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise LibraryError(f"The sticker library at {self.root} cannot be opened ({exc}).") from None

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.db_path, timeout=10)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        return con

    def _migrate(self) -> None:
        """Apply the MIGRATIONS this file lacks, all or none (a crash leaves the old schema)."""
        con = sqlite3.connect(self.db_path, timeout=10, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")  # one opener migrates; the others wait and then see it done
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise LibraryError(f"The sticker library at {self.root} was made by a newer Sticker Studio; "
                                   "update the app to open it.")
            for n, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    con.execute(statement)
                con.execute(f"PRAGMA user_version = {n}")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    @property
    def packs(self) -> PackStore:
        """The sticker packs kept in this library."""
        from .packs import PackStore

        return PackStore(self)

    def _write(self, folder: str, title: str, ext: str, data: bytes) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        while True:  # O_EXCL reservation so two writers never pick the same name
            path = unique_path(self.root / folder, f"{stamp}-{slugify(title)}", ext)
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                break
            except FileExistsError:
                continue
        try:
            atomic_write_bytes(path, data)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    def add(self, *, kind: str, data: bytes, fmt: str, width: int, height: int, title: str = "",
            source_sha256: str | None = None, meta: dict[str, Any] | None = None,
            master_png: bytes | None = None) -> LibraryEntry:
        """Store a sticker (with its full-size master PNG for re-export) or a generated image."""
        ext = "." + fmt.lower().replace("jpeg", "jpg")
        written: list[Path] = []
        try:
            path = self._write("stickers" if kind == "sticker" else "generated", title, ext, data)
            written.append(path)
            master = None
            if master_png is not None:
                master = self._write("masters", title, ".png", master_png)
                written.append(master)
            with self._connect() as con:
                cur = con.execute(
                    "INSERT INTO items (kind, created, file, master, format, width, height, bytes,"
                    " source_sha256, title, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (kind, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     str(path.relative_to(self.root)),
                     str(master.relative_to(self.root)) if master else None, fmt.lower(), width, height,
                     len(data), source_sha256, title, json.dumps(meta or {}, sort_keys=True)))
                new_id = cur.lastrowid
        except (OSError, sqlite3.Error) as exc:
            for p in written:
                p.unlink(missing_ok=True)
            raise LibraryError(f"Could not save to the sticker library ({exc}).") from None
        return self.get(int(new_id))

    def _entry(self, row: sqlite3.Row) -> LibraryEntry:
        return LibraryEntry(
            id=row["id"], kind=row["kind"], created=row["created"], path=self.root / row["file"],
            master=self.root / row["master"] if row["master"] else None, format=row["format"],
            width=row["width"], height=row["height"], bytes=row["bytes"],
            source_sha256=row["source_sha256"], title=row["title"], meta=json.loads(row["meta"]),
            deleted=row["deleted_at"] is not None)

    def get(self, item_id: int) -> LibraryEntry:
        with self._connect() as con:
            row = con.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise LibraryError(f"There is no library item {item_id}.")
        return self._entry(row)

    def by_path(self, path: str | os.PathLike[str]) -> LibraryEntry:
        """The item whose exported file (or master) is *path*; LibraryError when it is not in the library."""
        try:
            rel = str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            raise LibraryError(f"{path} is not a file in the sticker library.") from None
        with self._connect() as con:
            row = con.execute("SELECT * FROM items WHERE file = ? OR master = ?", (rel, rel)).fetchone()
        if row is None:
            raise LibraryError(f"{path} is not a file in the sticker library.")
        return self._entry(row)

    def items(self, kind: str | None = "sticker", include_deleted: bool = False,
              limit: int = 500) -> list[LibraryEntry]:
        sql = "SELECT * FROM items WHERE 1=1"
        args: list[Any] = []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with self._connect() as con:
            return [self._entry(r) for r in con.execute(sql, args)]

    def __iter__(self) -> Iterator[LibraryEntry]:
        return iter(self.items())

    def _move(self, entry: LibraryEntry, to_trash: bool) -> None:
        for path in filter(None, (entry.path, entry.master)):
            trashed = self.root / ".trash" / path.name
            src, dst = (path, trashed) if to_trash else (trashed, path)
            if src.exists():
                os.replace(src, dst)

    def delete(self, item_id: int) -> LibraryEntry:
        """Move the item's files to .trash; ``undelete`` brings them back."""
        entry = self.get(item_id)
        if entry.deleted:
            return entry
        self._move(entry, to_trash=True)
        with self._connect() as con:
            con.execute("UPDATE items SET deleted_at = ? WHERE id = ?",
                        (datetime.now(timezone.utc).isoformat(timespec="seconds"), item_id))
        return self.get(item_id)

    def undelete(self, item_id: int) -> LibraryEntry:
        entry = self.get(item_id)
        if not entry.deleted:
            return entry
        self._move(entry, to_trash=False)
        with self._connect() as con:
            con.execute("UPDATE items SET deleted_at = NULL WHERE id = ?", (item_id,))
        return self.get(item_id)
