"""Window-only state in QSettings: geometry, recent colours, last folders, one-time flags.

Settings proper (sticker defaults, engine, schedule, metrics port) live in
``settings.json`` through ``config.store.SettingsStore``, so the CLI and the
headless scheduler see what the window chose. Versions before that kept them
here; ``legacy_settings`` hands them over once. With ``STICKERSTUDIO_HOME``
set, QSettings is an INI file in that home's config folder, so tests and
portable installs never touch the real user config. API keys are never
stored here (keyring only).
"""

from __future__ import annotations

import logging
import os
from typing import Any, Mapping

from PySide6.QtCore import QByteArray, QSettings

from ..config.paths import HOME_ENV, AppPaths

log = logging.getLogger(__name__)

ORGANISATION = "StickerStudio"
APPLICATION = "StickerStudio"
INI_NAME = "gui.ini"

#: Settings fields older versions kept in QSettings (now in settings.json).
LEGACY_FIELDS = ("preset", "font", "text_color", "stroke_color", "position", "outline_px", "shadow",
                 "engine", "metrics_port", "nightly_time", "nightly_enabled", "cpu_threads")
MAX_RECENT_COLOURS = 8


def open_qsettings(paths: AppPaths, environ: Mapping[str, str] | None = None) -> QSettings:
    """The app's QSettings: an INI file under STICKERSTUDIO_HOME, else the platform store."""
    environ = os.environ if environ is None else environ
    if environ.get(HOME_ENV):
        paths.config.mkdir(parents=True, exist_ok=True)
        return QSettings(str(paths.config / INI_NAME), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


class Preferences:
    """Typed access to the few things the window remembers between runs."""

    def __init__(self, qsettings: QSettings) -> None:
        self.q = qsettings

    # -- settings older versions kept here --------------------------------------------
    def legacy_settings(self) -> dict[str, Any]:
        """What an older version remembered here, to move into settings.json once."""
        found = {}
        for name in LEGACY_FIELDS:
            raw = self.q.value(f"settings/{name}")
            if raw is not None:
                found[name] = raw
        return found

    def forget_legacy(self) -> None:
        self.q.remove("settings")
        self.q.sync()

    # -- colours -------------------------------------------------------------------
    def recent_colours(self) -> list[str]:
        raw = self.q.value("colours/recent", "")
        items = raw if isinstance(raw, list) else str(raw or "").split(",")
        return [c for c in (i.strip() for i in items) if c.startswith("#")][:MAX_RECENT_COLOURS]

    def add_recent_colour(self, colour: str) -> list[str]:
        recent = [colour.upper()] + [c for c in self.recent_colours() if c.upper() != colour.upper()]
        self.q.setValue("colours/recent", ",".join(recent[:MAX_RECENT_COLOURS]))
        return recent[:MAX_RECENT_COLOURS]

    # -- small flags and window state ---------------------------------------------------
    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.q.value(f"flags/{name}", default)
        return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")

    def set_flag(self, name: str, value: bool) -> None:
        self.q.setValue(f"flags/{name}", bool(value))
        self.q.sync()

    def text(self, name: str, default: str = "") -> str:
        raw = self.q.value(f"state/{name}", default)
        return str(raw) if raw is not None else default

    def set_text(self, name: str, value: str) -> None:
        self.q.setValue(f"state/{name}", value)

    def geometry(self) -> QByteArray | None:
        raw = self.q.value("window/geometry")
        return raw if isinstance(raw, QByteArray) else None

    def set_geometry(self, data: QByteArray) -> None:
        self.q.setValue("window/geometry", data)
        self.q.sync()

    def value(self, key: str, default: Any = None) -> Any:
        return self.q.value(key, default)
