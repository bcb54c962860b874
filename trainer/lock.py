"""One training run at a time across processes (app and CLI), surviving kills.

``run.lock`` holds the owner's PID, host, start time and (with psutil) the
process start time, so a PID reused after a crash is not mistaken for the
owner. Checking and taking the lock happen under an OS file lock on
``run.lock.guard`` (released by the kernel if the holder dies), so two
processes can never both clear a stale lock and both win.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from stickerstudio_desktop.errors import StickerStudioError

log = logging.getLogger(__name__)


class TrainerBusy(StickerStudioError):
    """Another training run holds the lock."""


def _create_time(pid: int) -> float | None:
    try:
        import psutil

        return psutil.Process(pid).create_time()
    except Exception:
        return None


def pid_alive(pid: int, create_time: float | None = None) -> bool:
    """True when *pid* runs (and, when known, is the same process that took the lock)."""
    if pid <= 0:
        return False
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            proc = psutil.Process(pid)
            if proc.status() == psutil.STATUS_ZOMBIE:
                return False
            return create_time is None or abs(proc.create_time() - create_time) < 1.0
        except psutil.NoSuchProcess:
            return False
        except psutil.Error:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return sys.platform == "win32"  # os.kill(pid, 0) is not a probe on Windows
    return True


@contextmanager
def _guard(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        if sys.platform == "win32":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.guard = self.path.with_name(self.path.name + ".guard")
        self.cleared_stale: dict[str, Any] | None = None

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}  # unreadable: its writer died mid-write (writers hold the guard)

    def _live(self, info: dict[str, Any]) -> bool:
        if info.get("host") not in (None, socket.gethostname()):
            return True  # another machine on a shared disk: we cannot tell, so respect it
        try:
            return pid_alive(int(info.get("pid", 0)), info.get("create_time"))
        except (TypeError, ValueError):
            return False

    def holder(self) -> dict[str, Any] | None:
        """The live holder's record, or None (a stale record does not count)."""
        with _guard(self.guard):
            info = self._read()
            return info if info is not None and self._live(info) else None

    def acquire(self) -> bool:
        """Take the lock; False when a live run holds it. Clears a stale lock first."""
        with _guard(self.guard):
            info = self._read()
            if info is not None:
                if self._live(info):
                    return False
                log.warning("Clearing a stale training lock left by PID %s (started %s).",
                            info.get("pid"), info.get("started"))
                self.cleared_stale = info
                self.path.unlink(missing_ok=True)
            record = {"pid": os.getpid(), "host": socket.gethostname(),
                      "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      "create_time": _create_time(os.getpid())}
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh)
                fh.flush()
                os.fsync(fh.fileno())
            return True

    def release(self) -> None:
        with _guard(self.guard):
            info = self._read()
            if info is not None and info.get("pid") == os.getpid():
                self.path.unlink(missing_ok=True)

    @contextmanager
    def held(self) -> Iterator[RunLock]:
        """Hold the lock for a block; TrainerBusy (one sentence) when another run has it."""
        if not self.acquire():
            info = self.holder() or {}
            raise TrainerBusy(f"Another training run is in progress (PID {info.get('pid', '?')}, "
                              f"started {info.get('started', '?')}); try again when it has finished.")
        try:
            yield self
        finally:
            self.release()
