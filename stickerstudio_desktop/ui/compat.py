"""Work around PySide6 6.12.0 dropping references to ``None`` on Python < 3.12.

In 6.12.0 many void methods (``QPainter.setPen``, ``drawLine``…) return
``None`` without taking a reference. From Python 3.12 ``None`` is immortal
and nothing happens; on 3.11 its count falls with every call and the
process aborts ("deallocating None") after a few thousand paints. 6.11.x is
fine (measured: 200 calls leave the count +11 on 6.11.3, −83 on 6.12.0).

The real fix is to avoid that release (``PySide6-Essentials!=6.12.0``);
until then, on an affected CPython build a timer raises None's reference
count back to a large value, so the leak can never reach zero. The extra
count is never given back (a list of references would be freed while the
interpreter shuts down, and the leaked decrements would then hit zero).
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

AFFECTED = {"6.12.0"}
#: Headroom kept on None's reference count; far more than one second of painting uses.
TARGET_REFS = 400_000
TOP_UP_MS = 1000



def affected(version: str | None = None) -> bool:
    import PySide6

    return (sys.implementation.name == "cpython" and sys.version_info < (3, 12)
            and (version or PySide6.__version__) in AFFECTED)


def top_up() -> int:
    """Raise None's reference count back to TARGET_REFS; returns how much was added."""
    import ctypes

    deficit = TARGET_REFS - sys.getrefcount(None)
    if deficit > 0:
        # ob_refcnt is the first field of every CPython object (non-debug builds)
        ctypes.c_ssize_t.from_address(id(None)).value += deficit
        return deficit
    return 0


def install(parent: QObject) -> bool:
    """Start the guard on an affected build (idempotent); True when it runs."""
    if not affected() or parent.property("stickerstudio_none_guard"):
        return bool(parent.property("stickerstudio_none_guard"))
    import PySide6

    log.warning("PySide6 %s on Python %d.%d leaks references to None; working around it "
                "(install another PySide6 release to avoid this).", PySide6.__version__, *sys.version_info[:2])
    top_up()
    timer = QTimer(parent)
    timer.setInterval(TOP_UP_MS)
    timer.timeout.connect(top_up)
    timer.start()
    parent.setProperty("stickerstudio_none_guard", True)
    return True
