"""API keys: the environment first, then the system keyring.

Environment first because it is explicit and per-process (CI, a one-off
``STABILITY_API_KEY=… stickerstudio make …``) while the keyring is the
long-lived default the GUI writes. A machine without a keyring backend is
normal (headless Linux), so read errors count as "no key", quietly. Keys are
never logged; nothing here puts them in a message.
"""

from __future__ import annotations

import logging
import os
from typing import Mapping

from ..errors import ConfigError

log = logging.getLogger(__name__)

SERVICE = "StickerStudio"
ENV_VARS = {"stability": "STABILITY_API_KEY", "modelslab": "MODELSLAB_API_KEY"}
LABELS = {"stability": "Stability AI", "modelslab": "ModelsLab"}


def _check_provider(provider: str) -> None:
    if provider not in ENV_VARS:
        raise ConfigError(f"Only stability and modelslab use API keys, not {provider!r}.")


def _clean(provider: str, key: str | None) -> str | None:
    """Strip a pasted key; reject ones that would break or inject an HTTP header."""
    if key is None:
        return None
    key = key.strip()
    if not key:
        return None
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in key) or len(key) > 512:
        raise ConfigError(f"The {LABELS[provider]} API key contains spaces or control characters; "
                          "paste it again.")
    return key


def get_api_key(provider: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The key for *provider* ("stability" or "modelslab"), or None."""
    _check_provider(provider)
    environ = os.environ if environ is None else environ
    key = _clean(provider, environ.get(ENV_VARS[provider]))
    if key:
        return key
    return _clean(provider, keyring_secret(provider))


def key_source(provider: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Where the key would come from: "environment", "keyring" or None (for the settings UI)."""
    _check_provider(provider)
    environ = os.environ if environ is None else environ
    if (environ.get(ENV_VARS[provider]) or "").strip():
        return "environment"
    return "keyring" if (keyring_secret(provider) or "").strip() else None


def save_api_key(provider: str, key: str) -> None:
    """Store *key* in the keyring; ConfigError when there is no usable keyring."""
    _check_provider(provider)
    cleaned = _clean(provider, key)
    if not cleaned:
        raise ConfigError(f"The {LABELS[provider]} API key is empty.")
    store_secret(provider, cleaned, f"{LABELS[provider]} key", ENV_VARS[provider])


def delete_api_key(provider: str) -> None:
    """Forget the stored key; a missing key or keyring is not an error."""
    _check_provider(provider)
    forget_secret(provider)


def store_secret(username: str, value: str, label: str, env_var: str) -> None:
    """Write the app's keyring entry *username*; ConfigError naming *env_var* when no keyring works."""
    try:
        import keyring

        keyring.set_password(SERVICE, username, value)
    except Exception as exc:  # any backend may raise anything; the secret must not leak
        raise ConfigError(f"Could not save the {label} in the system keyring "
                          f"({type(exc).__name__}); set {env_var} instead.") from None


def forget_secret(username: str) -> None:
    """Delete the app's keyring entry *username*; a missing entry or keyring is not an error."""
    try:
        import keyring

        keyring.delete_password(SERVICE, username)
    except Exception as exc:
        log.debug("keyring delete for %s skipped (%s)", username, type(exc).__name__)


def keyring_secret(username: str) -> str | None:
    """The app's keyring entry *username* (a provider, or e.g. the Telegram bot), None when unreadable."""
    try:
        import keyring

        value = keyring.get_password(SERVICE, username)
    except Exception as exc:  # NoKeyringError, locked D-Bus collections, broken backends...
        log.debug("keyring read for %s unavailable (%s)", username, type(exc).__name__)
        return None
    return value if isinstance(value, str) else None
