"""The SQLite-indexed sticker library on a real folder."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from stickerstudio_desktop.errors import LibraryError
from stickerstudio_desktop.library import Library, slugify


def png_bytes(color=(255, 0, 0, 255)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (8, 8), color).save(buf, "PNG")
    return buf.getvalue()


def add(lib: Library, title="Hello", **kw):
    return lib.add(kind="sticker", data=png_bytes(), fmt="PNG", width=8, height=8, title=title,
                   source_sha256="ab" * 32, meta={"caption": title, **kw}, master_png=png_bytes())


def test_add_list_and_reopen(tmp_path):
    lib = Library(tmp_path / "lib")
    e = add(lib, "Hi there!")
    assert e.path.is_file() and e.master.is_file()
    assert e.path.name.endswith("-hi-there.png")
    assert Library(tmp_path / "lib").get(e.id).meta == {"caption": "Hi there!"}
    assert [x.id for x in lib.items()] == [e.id]


def test_names_are_unique_and_nothing_is_overwritten(tmp_path):
    lib = Library(tmp_path)
    entries = [add(lib, "same") for _ in range(5)]
    assert len({e.path for e in entries}) == 5
    assert all(e.path.read_bytes() == png_bytes() for e in entries)


def test_concurrent_writers_get_distinct_files(tmp_path):
    lib = Library(tmp_path)
    out, errors = [], []

    def worker():
        try:
            out.append(add(lib, "race"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors and len({e.path for e in out}) == 8


def test_delete_moves_to_trash_and_undo_restores(tmp_path):
    lib = Library(tmp_path)
    e = add(lib)
    gone = lib.delete(e.id)
    assert gone.deleted and not e.path.exists() and (tmp_path / ".trash" / e.path.name).exists()
    assert lib.items() == []
    back = lib.undelete(e.id)
    assert not back.deleted and e.path.read_bytes() == png_bytes()


@pytest.mark.parametrize("caption,expected", [
    ("Hello 👋 World", "hello-world"), ("../../etc/passwd", "etc-passwd"), ("", "sticker"),
    ("   ", "sticker"), ("Ünïcødé ok", "ünïcødé-ok"), ("a" * 100, "a" * 40), ("CON:*?<>|", "con"),
])
def test_slugify_makes_safe_file_stems(caption, expected):
    assert slugify(caption) == expected
    assert "/" not in slugify(caption) and "\\" not in slugify(caption)


def test_unknown_item_and_unwritable_root_are_clear_errors(tmp_path):
    lib = Library(tmp_path)
    with pytest.raises(LibraryError, match="no library item 42"):
        lib.get(42)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="cannot be opened"):
        Library(blocker / "lib")


def test_failed_write_leaves_no_files_behind(tmp_path, monkeypatch):
    lib = Library(tmp_path)
    import stickerstudio_desktop.library.store as store

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "atomic_write_bytes", boom)
    with pytest.raises(LibraryError, match="No space left"):
        add(lib)
    assert not any((tmp_path / "stickers").iterdir()) and not any((tmp_path / "masters").iterdir())
    assert lib.items() == []
