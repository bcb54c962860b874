"""Saved stickers and generated images: files plus a SQLite index."""

from .store import Library, LibraryEntry, slugify

__all__ = ["Library", "LibraryEntry", "slugify"]
