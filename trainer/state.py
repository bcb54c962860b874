"""The trainer's memory between runs, in one SQLite file.

Which URLs and files were already looked at, which content hashes we hold
(so a re-posted image is not labelled twice), where each source stopped,
every labelled image with its split, and which styles have data that no
gate has judged yet.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from stickerstudio_desktop.errors import ConfigError

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    key TEXT PRIMARY KEY,          -- URL, or file path + size + mtime
    source TEXT NOT NULL,
    sha256 TEXT,
    outcome TEXT NOT NULL,         -- added, duplicate, or the skip reason
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS images (
    sha256 TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    origin TEXT NOT NULL,
    style TEXT NOT NULL,
    split TEXT NOT NULL CHECK (split IN ('train', 'val', 'eval')),
    instances INTEGER NOT NULL,
    teacher TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (source TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (style TEXT PRIMARY KEY, since TEXT NOT NULL);
"""

#: Skip outcomes worth retrying on a later run (the item itself may be fine).
RETRYABLE = frozenset({"network", "disk", "teacher"})


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class TrainerState:
    """Thread-safe; each call opens a short connection (SQLite handles cross-process locking)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as con:
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"The trainer state at {self.path} cannot be opened ({exc}).") from None

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.row_factory = sqlite3.Row
        return con

    def _run(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock, self._connect() as con:
            return con.execute(sql, args).fetchall()

    # -- seen keys and hashes ---------------------------------------------------
    def seen(self, key: str) -> bool:
        """True when *key* was handled before and retrying it is pointless."""
        rows = self._run("SELECT outcome FROM seen WHERE key = ?", (key,))
        return bool(rows) and rows[0]["outcome"] not in RETRYABLE

    def mark(self, key: str, source: str, outcome: str, sha256: str | None = None) -> None:
        self._run("INSERT OR REPLACE INTO seen (key, source, sha256, outcome, at) VALUES (?, ?, ?, ?, ?)",
                  (key, source, sha256, outcome, now_iso()))

    def has_hash(self, sha256: str) -> bool:
        return bool(self._run("SELECT 1 FROM images WHERE sha256 = ?", (sha256,))) or bool(
            self._run("SELECT 1 FROM seen WHERE sha256 = ? AND outcome NOT IN ('network', 'disk', 'teacher')",
                      (sha256,)))

    # -- labelled images ----------------------------------------------------------
    def add_image(self, sha256: str, *, source: str, origin: str, style: str, split: str,
                  instances: int, teacher: str) -> None:
        self._run("INSERT OR REPLACE INTO images (sha256, source, origin, style, split, instances, teacher, added)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (sha256, source, origin, style, split, instances, teacher, now_iso()))

    def images(self, style: str | None = None, split: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM images WHERE 1=1", []
        if style:
            sql, args = sql + " AND style = ?", args + [style]
        if split:
            sql, args = sql + " AND split = ?", args + [split]
        return [dict(r) for r in self._run(sql + " ORDER BY added, sha256", tuple(args))]

    def counts(self) -> dict[str, dict[str, int]]:
        """{style: {split: n}} of labelled images."""
        out: dict[str, dict[str, int]] = {}
        for r in self._run("SELECT style, split, COUNT(*) AS n FROM images GROUP BY style, split"):
            out.setdefault(r["style"], {})[r["split"]] = int(r["n"])
        return out

    # -- resumable positions -----------------------------------------------------------
    def cursor(self, source: str) -> dict[str, Any]:
        rows = self._run("SELECT value FROM cursors WHERE source = ?", (source,))
        try:
            return json.loads(rows[0]["value"]) if rows else {}
        except ValueError:
            return {}

    def set_cursor(self, source: str, value: dict[str, Any]) -> None:
        self._run("INSERT OR REPLACE INTO cursors (source, value) VALUES (?, ?)", (source, json.dumps(value)))

    # -- styles waiting for a gate ---------------------------------------------------------
    def mark_pending(self, style: str) -> None:
        self._run("INSERT OR IGNORE INTO pending (style, since) VALUES (?, ?)", (style, now_iso()))

    def clear_pending(self, style: str) -> None:
        self._run("DELETE FROM pending WHERE style = ?", (style,))

    def pending(self) -> list[str]:
        return [r["style"] for r in self._run("SELECT style FROM pending ORDER BY style")]

    def iter_seen(self) -> Iterator[dict[str, Any]]:
        yield from (dict(r) for r in self._run("SELECT * FROM seen ORDER BY at"))
