"""Fixtures for the image-loading tests: the hostile corpus, written once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_corpus import write_corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Case name -> path of its file (or of where it deliberately is not)."""
    return write_corpus(tmp_path_factory.mktemp("hostile-corpus"))


def _open_paths() -> set[str]:
    fd_dir = Path("/proc/self/fd")
    paths = set()
    for fd in os.listdir(fd_dir):
        try:
            paths.add(os.readlink(fd_dir / fd))
        except OSError:  # the fd of the listing itself is gone by now
            continue
    return paths


@pytest.fixture
def open_paths():
    """A function returning every path this process holds open right now (Linux /proc)."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc/self/fd to see open files")
    return _open_paths
