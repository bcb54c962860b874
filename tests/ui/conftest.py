"""A real main window per test, on the offscreen platform, sharing one engine.

Each test has its own STICKERSTUDIO_HOME (library, QSettings INI, caches);
only the engine's Pipeline is shared so models load once per session (the
keyring is forced to the "fail" backend by tests/conftest.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from tests.conftest import SAMPLES  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def styled_qapp(qapp):
    """The app as ``stickerstudio`` sets it up (theme, fonts, the PySide6 6.12.0 refcount guard)."""
    from stickerstudio_desktop.ui.app import ensure_qapp

    return ensure_qapp()


@pytest.fixture
def cli_app(shared_pipeline):
    """The AppContext the CLI builds for ``stickerstudio gui``, sharing the session's pipeline."""
    from stickerstudio_desktop.cli import App, build_parser

    app = App(build_parser().parse_args(["gui"]))
    app._pipeline = shared_pipeline  # models load once per session; state stays per test
    return app


@pytest.fixture
def make_window(qtbot, cli_app):
    """Factory: a shown MainWindow without background services (no metrics port, no scheduler)."""
    from stickerstudio_desktop.ui.main_window import MainWindow

    made = []

    def make(**kwargs):
        kwargs.setdefault("services", False)
        kwargs.setdefault("warm_up", False)
        win = MainWindow(cli_app, **kwargs)
        qtbot.addWidget(win)
        win.resize(1200, 780)
        win.show()
        made.append(win)
        return win

    yield make
    for win in made:
        win.shutdown()


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of a real photo (so re-open tests can rely on its path)."""
    target = tmp_path / "chelsea.jpg"
    shutil.copy(SAMPLES / "chelsea.jpg", target)
    return target

