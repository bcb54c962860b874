"""Named pause points so tests can SIGKILL a real run at an exact moment.

With ``STICKERSTUDIO_TRAIN_PAUSE_AT=<point>`` set, the run writes
``<trainer dir>/paused-at-<point>`` and sleeps there until it is killed.
Unset (always, outside tests), a pause point costs one dictionary lookup.
Points: ``cycle-start`` (lock held), ``train-epoch`` (after each epoch's
checkpoint), ``promote-copied`` (new version written) and ``promote-switch``
(just before the pointer is replaced).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV = "STICKERSTUDIO_TRAIN_PAUSE_AT"


def pause_point(name: str, trainer_dir: Path) -> None:
    if os.environ.get(ENV) != name:
        return
    marker = Path(trainer_dir) / f"paused-at-{name}"
    marker.write_text(str(os.getpid()), encoding="utf-8")
    while True:  # pragma: no cover - ends by SIGKILL
        time.sleep(3600)
