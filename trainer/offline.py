"""Make ultralytics run with no network: no font, weight, pip or telemetry downloads.

Must run before ``ultralytics`` is first imported in the process: it reads
``YOLO_CONFIG_DIR``, ``YOLO_OFFLINE`` and ``YOLO_AUTOINSTALL`` at import
time. The config dir lives in the trainer's data dir and gets a bundled
TTF as the ``Arial.ttf`` ultralytics would otherwise download. Its own
MLflow (and other logger) callbacks are switched off: we log ourselves.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from stickerstudio_desktop.config.paths import bundled

_INTEGRATIONS = ("mlflow", "sync", "clearml", "comet", "dvc", "hub", "neptune", "raytune", "tensorboard", "wandb")


def prepare_ultralytics(trainer_dir: Path) -> None:
    """Set the offline environment, then import ultralytics and turn its integrations off."""
    ours = Path(trainer_dir) / "ultralytics"
    if "ultralytics" not in sys.modules:
        os.environ["YOLO_CONFIG_DIR"] = str(ours)
    os.environ["YOLO_OFFLINE"] = "1"
    os.environ["YOLO_AUTOINSTALL"] = "False"
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("YOLO_VERBOSE", "False")  # its logger writes to stdout
    import ultralytics
    from ultralytics.utils import USER_CONFIG_DIR

    font = Path(USER_CONFIG_DIR) / "Arial.ttf"
    if not font.is_file():
        font.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundled("fonts", "NotoSans-Bold.ttf"), font)
    current = ultralytics.settings
    changes = {k: False for k in _INTEGRATIONS if k in current and current[k] is not False}
    if not changes:
        return
    if Path(USER_CONFIG_DIR).parent.resolve() == ours.resolve():
        current.update(changes)  # our own settings file: persisting is harmless
    else:  # someone else's ultralytics settings: change them for this process only
        dict.update(current, changes)
