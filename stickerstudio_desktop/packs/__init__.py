"""Sticker-pack export for each chat platform, checked against its rules before anything is written.

One module per platform behind the shared ``base.Platform``; no Qt, so both
front doors (through ``jobs.packs``) use the same checks.
"""

from __future__ import annotations

from ..errors import ConfigError
from .base import PackExport, Platform, Rules
from .signal import Signal
from .telegram import Telegram
from .whatsapp import WhatsApp

PLATFORMS: dict[str, type[Platform]] = {"whatsapp": WhatsApp, "telegram": Telegram, "signal": Signal}


def get_platform(name: str) -> Platform:
    """The exporter for a platform name (any case); ConfigError lists the choices."""
    found = PLATFORMS.get((name or "").strip().lower())
    if found is None:
        raise ConfigError(f"Unknown sticker platform {name!r}; choose one of: {', '.join(PLATFORMS)}.")
    return found()


__all__ = ["PLATFORMS", "PackExport", "Platform", "Rules", "get_platform"]
