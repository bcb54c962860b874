"""Waiting helpers for the UI tests (condition-based, never sleeps)."""

from __future__ import annotations

#: How long a test waits for the engine (generous: a loaded CI machine is slow).
ENGINE_WAIT_MS = 60_000


def wait_for_sticker(qtbot, win, timeout: int = ENGINE_WAIT_MS) -> None:
    qtbot.waitUntil(lambda: win.controller.sticker is not None and not win.controller.busy, timeout=timeout)


def wait_idle(qtbot, win, timeout: int = ENGINE_WAIT_MS) -> None:
    """Until every background task has finished and delivered its result."""
    qtbot.waitUntil(lambda: not win.controller.busy and win.controller.runner.settled, timeout=timeout)
