"""Sticker packs in the real SQLite library, and the migration of a library made before packs."""

from __future__ import annotations

import io
import sqlite3
import threading

import pytest
from PIL import Image

from stickerstudio_desktop.errors import LibraryError
from stickerstudio_desktop.library import Library
from stickerstudio_desktop.library.emoji import is_emoji, split_emojis, suggest_emojis
from stickerstudio_desktop.library.store import MIGRATIONS


def png_bytes(color=(255, 0, 0, 255)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (8, 8), color).save(buf, "PNG")
    return buf.getvalue()


def add(lib: Library, title="Hello"):
    return lib.add(kind="sticker", data=png_bytes(), fmt="PNG", width=8, height=8, title=title,
                   meta={"caption": title}, master_png=png_bytes())


def make_pre_pack_library(root):
    """A library as the version before packs left it: the items table only, user_version 0."""
    lib = Library(root)
    entries = [add(lib, t) for t in ("one", "two", "three")]
    lib.delete(entries[2].id)
    con = sqlite3.connect(lib.db_path)
    with con:
        con.execute("DROP TABLE pack_items")
        con.execute("DROP TABLE packs")
        con.execute("PRAGMA user_version = 0")
    con.close()
    return entries


def tables(db):
    con = sqlite3.connect(db)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return names, con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def test_migration_keeps_a_library_made_before_packs(tmp_path):
    before = make_pre_pack_library(tmp_path)
    assert tables(tmp_path / "library.sqlite3") == ({"items", "sqlite_sequence"}, 0)
    lib = Library(tmp_path)
    names, version = tables(lib.db_path)
    assert {"items", "packs", "pack_items"} <= names and version == len(MIGRATIONS)
    assert [e.id for e in lib.items()] == [before[1].id, before[0].id]
    for old in before:
        now = lib.get(old.id)
        assert (now.path, now.master, now.title, now.meta, now.bytes) == \
               (old.path, old.master, old.title, old.meta, old.bytes) or now.deleted
    assert lib.get(before[2].id).deleted and lib.undelete(before[2].id).path.read_bytes() == png_bytes()
    pack = lib.packs.create("Old friends")
    assert lib.packs.add(pack.name, before[0].id, ["👋"]).stickers[0].entry.id == before[0].id
    Library(tmp_path)  # opening again migrates nothing twice
    assert tables(lib.db_path)[1] == len(MIGRATIONS)


def test_a_library_from_a_newer_version_is_refused_not_damaged(tmp_path):
    lib = Library(tmp_path)
    add(lib)
    con = sqlite3.connect(lib.db_path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    con.close()
    with pytest.raises(LibraryError, match="newer Sticker Studio"):
        Library(tmp_path)


def test_concurrent_openers_migrate_once(tmp_path):
    make_pre_pack_library(tmp_path)
    errors = []

    def open_it():
        try:
            Library(tmp_path)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors and tables(tmp_path / "library.sqlite3")[1] == len(MIGRATIONS)


def test_create_rename_delete_and_details(tmp_path):
    lib = Library(tmp_path)
    packs = lib.packs
    p = packs.create("  Cats   and dogs ", publisher="Me")
    assert (p.name, p.publisher, p.stickers) == ("Cats and dogs", "Me", ())
    assert p.identifier.startswith("stickerstudio.")
    with pytest.raises(LibraryError, match="already is a sticker pack called 'cats and dogs'"):
        packs.create("cats and dogs")
    packs.create("Other")
    with pytest.raises(LibraryError, match="already is a sticker pack called 'Other'"):
        packs.rename("Cats and dogs", "Other")
    assert packs.rename("Cats and dogs", "Pets").identifier == p.identifier
    assert packs.names() == ["Other", "Pets"]
    assert packs.set_details("Pets", publisher="Ann", identifier="ann.pets_1").identifier == "ann.pets_1"
    with pytest.raises(LibraryError, match="only use letters, digits"):
        packs.set_details("Pets", identifier="no spaces/here")
    with pytest.raises(LibraryError, match="at most 128 characters"):
        packs.create("x" * 129)
    with pytest.raises(LibraryError, match="cannot be empty"):
        packs.create("   ")
    e = add(lib)
    packs.add("Pets", e.id, ["🐱"])
    packs.delete("Pets")
    assert packs.names() == ["Other"] and lib.get(e.id).path.is_file()
    with pytest.raises(LibraryError, match="no sticker pack called 'Pets'"):
        packs.get("Pets")


def test_add_remove_reorder_emojis_alt_text_and_tray(tmp_path):
    lib = Library(tmp_path)
    a, b, c = (add(lib, t) for t in "abc")
    packs = lib.packs
    packs.create("P")
    for e in (a, b, c):
        packs.add("P", e.id, ["👍"])
    with pytest.raises(LibraryError, match=f"Sticker {a.id} is already in the pack"):
        packs.add("P", a.id)
    assert [s.entry.id for s in packs.move("P", c.id, 1).stickers] == [c.id, a.id, b.id]
    assert [s.entry.id for s in packs.move("P", c.id, 99).stickers] == [a.id, b.id, c.id]
    p = packs.set_emojis("P", b.id, ["😂", "🎉", "😂"])
    assert p.stickers[1].emojis == ("😂", "🎉")
    with pytest.raises(LibraryError, match="at most 3 emojis, not 4"):
        packs.set_emojis("P", b.id, ["😂", "🎉", "👍", "🔥"])
    with pytest.raises(LibraryError, match="'x' is not an emoji"):
        packs.set_emojis("P", b.id, ["x"])
    assert packs.set_accessibility_text("P", a.id, "A red  square").stickers[0].accessibility_text == "A red square"
    with pytest.raises(LibraryError, match="at most 255 characters"):
        packs.set_accessibility_text("P", a.id, "y" * 256)
    assert packs.get("P").tray.entry.id == a.id
    assert packs.set_tray("P", c.id).tray.entry.id == c.id
    p = packs.remove("P", c.id)
    assert [(s.entry.id, s.position) for s in p.stickers] == [(a.id, 1), (b.id, 2)] and p.tray.entry.id == a.id
    with pytest.raises(LibraryError, match=f"Sticker {c.id} is not in the pack 'P'"):
        packs.set_tray("P", c.id)
    lib.delete(a.id)  # a trashed sticker leaves the pack's list until it is restored
    assert [(s.entry.id, s.position) for s in packs.get("P").stickers] == [(b.id, 1)]
    lib.undelete(a.id)
    assert len(packs.get("P").stickers) == 2
    gen = lib.add(kind="generated", data=png_bytes(), fmt="PNG", width=8, height=8)
    with pytest.raises(LibraryError, match="only stickers go in packs"):
        packs.add("P", gen.id)


def test_concurrent_adds_get_distinct_places(tmp_path):
    lib = Library(tmp_path)
    entries = [add(lib, f"s{i}") for i in range(8)]
    lib.packs.create("P")
    errors = []

    def worker(entry):
        try:
            Library(tmp_path).packs.add("P", entry.id, ["👍"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(e,)) for e in entries]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    con = sqlite3.connect(lib.db_path)
    positions = sorted(r[0] for r in con.execute("SELECT position FROM pack_items"))
    con.close()
    assert positions == list(range(1, 9))
    assert sorted(s.entry.id for s in lib.packs.get("P").stickers) == [e.id for e in entries]


def test_a_failed_change_leaves_the_pack_as_it_was(tmp_path):
    lib = Library(tmp_path)
    a = add(lib)
    lib.packs.create("P")
    lib.packs.add("P", a.id, ["👍"])
    with pytest.raises(LibraryError):
        lib.packs.set_emojis("P", a.id, ["👍", "not one"])
    assert lib.packs.get("P").stickers[0].emojis == ("👍",)


@pytest.mark.parametrize("text,expected", [
    ("hi 👋!", ["👋"]), ("👨‍👩‍👧 ok", ["👨‍👩‍👧"]), ("🇩🇪🇫🇷", ["🇩🇪", "🇫🇷"]), ("👍🏽", ["👍🏽"]),
    ("❤️☕", ["❤️", "☕"]), ("1️⃣ 2 #", ["1️⃣"]), ("plain", []),
])
def test_split_emojis_keeps_sequences_whole(text, expected):
    assert split_emojis(text) == expected


def test_suggestions_come_from_the_caption_and_are_capped():
    assert suggest_emojis("Good morning ☕") == ["☕", "👍", "☀️"]
    assert suggest_emojis("Happy birthday 🎉🎉") == ["🎉", "😄", "🎂"]
    assert suggest_emojis("") == ["🙂"] and suggest_emojis("zzz qqq") == ["🙂"]
    assert all(is_emoji(e) for e in suggest_emojis("love thanks wow lol"))
