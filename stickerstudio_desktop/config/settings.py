"""One typed settings object, readable without Qt.

Sources, later wins: dataclass defaults → ``settings.json`` in the config dir
→ environment variables (``STICKERSTUDIO_<FIELD>`` in upper case, plus the
named provider URL variables). The window, the CLI and the trainer all read
and write that one file through ``config.store.SettingsStore``; API keys
never live here (keyring / env only).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from ..engine.names import ENGINES
from ..errors import ConfigError

POSITIONS = ("top", "bottom")
PROVIDERS = ("stability", "modelslab", "local")

#: Environment names the issue fixed for provider endpoints.
URL_ENV = {
    "stability_url": "STICKERSTUDIO_STABILITY_URL",
    "modelslab_url": "STICKERSTUDIO_MODELSLAB_URL",
    "sd_url": "STICKERSTUDIO_SD_URL",
}


@dataclass
class Settings:
    # sticker defaults
    preset: str = "whatsapp"
    font: str = "Comic Neue"
    text_color: str = "#FFFFFF"
    stroke_color: str = "#000000"
    position: str = "bottom"
    outline_px: int = 8
    shadow: bool = False
    engine: str = "auto"
    # engine
    cpu_threads: int = 0  # 0 = let ONNX Runtime decide
    max_megapixels: float = 50.0
    # text to image
    provider_order: list[str] = field(default_factory=lambda: list(PROVIDERS))
    providers_enabled: list[str] = field(default_factory=lambda: list(PROVIDERS))
    stability_url: str = "https://api.stability.ai"
    stability_endpoint: str = "core"
    stability_style_preset: str = "anime"
    modelslab_url: str = "https://modelslab.com"
    sd_url: str = "http://127.0.0.1:7860"
    prompt_prefix: str = "sticker illustration, clean background, "
    # side channels
    metrics_port: int = 9464
    nightly_time: str = "03:00"
    nightly_enabled: bool = True

    def validate(self) -> Settings:
        """Raise ConfigError with one sentence for the first bad field."""
        if self.engine not in ENGINES:
            raise ConfigError(f"Engine must be one of {', '.join(ENGINES)}, not {self.engine!r}.")
        if self.position not in POSITIONS:
            raise ConfigError(f"Caption position must be top or bottom, not {self.position!r}.")
        for name in ("text_color", "stroke_color"):
            parse_hex_color(getattr(self, name))
        if not 0 <= self.outline_px <= 64:
            raise ConfigError("Outline width must be between 0 and 64 pixels.")
        if not 0 <= self.cpu_threads <= 256:
            raise ConfigError("CPU threads must be between 0 (automatic) and 256.")
        if not 0.1 <= self.max_megapixels <= 1000:
            raise ConfigError("The image size limit must be between 0.1 and 1000 megapixels.")
        if not 1 <= self.metrics_port <= 65535:
            raise ConfigError("The metrics port must be between 1 and 65535.")
        parse_hhmm(self.nightly_time)
        for p in list(self.provider_order) + list(self.providers_enabled):
            if p not in PROVIDERS:
                raise ConfigError(f"Unknown text-to-image provider {p!r}; use {', '.join(PROVIDERS)}.")
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_hex_color(value: str) -> tuple[int, int, int, int]:
    """'#RGB', '#RRGGBB' or '#RRGGBBAA' → RGBA tuple; ConfigError otherwise."""
    s = str(value).strip().lstrip("#")
    if len(s) == 3:
        s = "".join(c * 2 for c in s)
    if len(s) == 6:
        s += "FF"
    try:
        if len(s) != 8:
            raise ValueError
        return tuple(int(s[i:i + 2], 16) for i in range(0, 8, 2))  # type: ignore[return-value]
    except ValueError:
        raise ConfigError(f"{value!r} is not a colour; use hex like #FF8800.") from None


def parse_hhmm(value: str) -> tuple[int, int]:
    try:
        hh, mm = str(value).split(":")
        h, m = int(hh), int(mm)
        if 0 <= h < 24 and 0 <= m < 60:
            return h, m
    except ValueError:
        pass
    raise ConfigError(f"{value!r} is not a time of day; use HH:MM, e.g. 03:00.")


def _coerce(name: str, current: Any, raw: Any) -> Any:
    """Convert a JSON or environment value to the field's type."""
    try:
        if isinstance(current, bool):
            if isinstance(raw, str):
                return raw.strip().lower() in ("1", "true", "yes", "on")
            return bool(raw)
        if isinstance(current, int):
            return int(raw)
        if isinstance(current, float):
            return float(raw)
        if isinstance(current, list):
            if isinstance(raw, str):
                return [p.strip() for p in raw.split(",") if p.strip()]
            return [str(p) for p in raw]
        return str(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"Setting {name} has an invalid value {raw!r}.") from None


def merge(settings: Settings, values: Mapping[str, Any]) -> Settings:
    """Apply known keys from *values*; unknown keys are ignored."""
    known = {f.name for f in fields(Settings)}
    for key, raw in values.items():
        if key in known:
            setattr(settings, key, _coerce(key, getattr(settings, key), raw))
    return settings


def read_json_object(path: Path, what: str = "Settings file") -> dict[str, Any]:
    """A settings file's JSON object, or ConfigError with one sentence."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{what} {path} is not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{what} {path} must hold a JSON object.")
    return data


def env_key(name: str) -> str:
    """The environment variable that overrides setting *name*."""
    return URL_ENV.get(name) or f"STICKERSTUDIO_{name.upper()}"


def env_values(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment overrides, by field name (raw strings)."""
    environ = os.environ if environ is None else environ
    return {f.name: environ[env_key(f.name)] for f in fields(Settings) if env_key(f.name) in environ}


def load_settings(settings_file: Path | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the JSON file (if any), then the environment; validated."""
    s = Settings()
    if settings_file and settings_file.exists():
        merge(s, read_json_object(settings_file))
    merge(s, env_values(environ))
    return s.validate()
