"""The exporter for each platform name."""

from __future__ import annotations

from ..errors import ConfigError
from .base import Platform
from .names import PLATFORM_NAMES
from .signal import Signal
from .telegram import Telegram
from .whatsapp import WhatsApp

PLATFORMS: dict[str, type[Platform]] = dict(zip(PLATFORM_NAMES, (WhatsApp, Telegram, Signal)))


def get_platform(name: str) -> Platform:
    """The exporter for a platform name (any case); ConfigError lists the choices."""
    found = PLATFORMS.get((name or "").strip().lower())
    if found is None:
        raise ConfigError(f"Unknown sticker platform {name!r}; choose one of: {', '.join(PLATFORMS)}.")
    return found()
