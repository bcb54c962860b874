"""GUI preferences in QSettings, layered over the typed ``Settings``.

Order, later wins: Settings defaults → settings.json → QSettings (what the
user last chose in the window) → environment variables, so a scripted
``STICKERSTUDIO_ENGINE=u2net`` still beats a remembered choice. With
``STICKERSTUDIO_HOME`` set, QSettings is an INI file in that home's config
folder, so tests and portable installs never touch the real user config.
API keys are never stored here (keyring only).
"""

from __future__ import annotations

import logging
import os
from dataclasses import fields
from typing import Any, Iterable, Mapping

from PySide6.QtCore import QByteArray, QSettings

from ..config.paths import HOME_ENV, AppPaths
from ..config.settings import URL_ENV, Settings, merge
from ..errors import ConfigError

log = logging.getLogger(__name__)

ORGANISATION = "StickerStudio"
APPLICATION = "StickerStudio"
INI_NAME = "gui.ini"

#: Settings fields the window remembers (sticker defaults and the settings dialog's).
REMEMBERED = ("preset", "font", "text_color", "stroke_color", "position", "outline_px", "shadow",
              "engine", "metrics_port", "nightly_time", "nightly_enabled", "cpu_threads")
MAX_RECENT_COLOURS = 8


def open_qsettings(paths: AppPaths, environ: Mapping[str, str] | None = None) -> QSettings:
    """The app's QSettings: an INI file under STICKERSTUDIO_HOME, else the platform store."""
    environ = os.environ if environ is None else environ
    if environ.get(HOME_ENV):
        paths.config.mkdir(parents=True, exist_ok=True)
        return QSettings(str(paths.config / INI_NAME), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def _env_key(name: str) -> str:
    return URL_ENV.get(name) or f"STICKERSTUDIO_{name.upper()}"


class Preferences:
    """Typed access to the few things the window remembers between runs."""

    def __init__(self, qsettings: QSettings) -> None:
        self.q = qsettings

    # -- Settings fields --------------------------------------------------------
    def apply_to(self, settings: Settings, environ: Mapping[str, str] | None = None) -> Settings:
        """Overlay remembered values unless the environment sets that field."""
        environ = os.environ if environ is None else environ
        known = {f.name for f in fields(Settings)}
        for name in REMEMBERED:
            if name not in known or _env_key(name) in environ:
                continue
            raw = self.q.value(f"settings/{name}")
            if raw is None:
                continue
            before = getattr(settings, name)
            try:
                merge(settings, {name: raw})
                settings.validate()
            except ConfigError as exc:  # a hand-edited or stale value: keep the default
                log.warning("ignoring remembered %s=%r (%s)", name, raw, exc)
                setattr(settings, name, before)
        return settings

    def remember(self, settings: Settings, names: Iterable[str] = REMEMBERED) -> None:
        for name in names:
            value = getattr(settings, name)
            self.q.setValue(f"settings/{name}", ",".join(value) if isinstance(value, list) else value)
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
