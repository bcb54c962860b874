"""Where per-user state lives.

``STICKERSTUDIO_HOME`` (or the CLI's ``--home``) moves everything under one
folder, which tests and scripted use rely on; otherwise the platform's data
dirs are used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "StickerStudio"
HOME_ENV = "STICKERSTUDIO_HOME"
MODEL_CACHE_ENV = "STICKERSTUDIO_MODEL_CACHE"

#: Repository / bundle root: holds models/, fonts/ and resources/.
PACKAGE_DIR = Path(__file__).resolve().parent.parent
ROOT_DIR = PACKAGE_DIR.parent


def _bundle_root() -> Path:
    """The folder holding models/, fonts/, resources/ (PyInstaller aware)."""
    import sys

    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else ROOT_DIR


@dataclass(frozen=True)
class AppPaths:
    data: Path
    config: Path
    cache: Path
    logs: Path

    @property
    def library(self) -> Path:
        return self.data / "library"

    @property
    def model_cache(self) -> Path:
        """Fetched third-party weights; ``STICKERSTUDIO_MODEL_CACHE`` lets tests share one."""
        override = os.environ.get(MODEL_CACHE_ENV)
        return Path(override).expanduser().resolve() if override else self.cache / "models"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def trainer(self) -> Path:
        return self.data / "trainer"

    @property
    def mlflow(self) -> Path:
        return self.data / "mlflow"


def app_paths(home: str | os.PathLike[str] | None = None) -> AppPaths:
    """Resolve per-user folders; an explicit *home* beats the environment."""
    home = home or os.environ.get(HOME_ENV)
    if home:
        base = Path(home).expanduser().resolve()
        return AppPaths(data=base / "data", config=base / "config",
                        cache=base / "cache", logs=base / "logs")
    return AppPaths(
        data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def bundled(*parts: str) -> Path:
    """A path inside the shipped models/, fonts/ or resources/ folders."""
    return _bundle_root().joinpath(*parts)
