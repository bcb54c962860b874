from __future__ import annotations

import logging

import keyring
import keyring.backends.fail
import pytest

from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.genai import delete_api_key, get_api_key, key_source, save_api_key
from stickerstudio_desktop.genai.keys import SERVICE

SECRET = "sk-keyring-5a1c9e77"


def test_environment_wins_over_keyring(memory_keyring):
    memory_keyring.set_password(SERVICE, "stability", "from-keyring-123")
    env = {"STABILITY_API_KEY": "  from-env-456\n"}
    assert get_api_key("stability", env) == "from-env-456"
    assert key_source("stability", env) == "environment"


def test_keyring_is_used_when_the_environment_is_empty(memory_keyring):
    memory_keyring.set_password("StickerStudio", "modelslab", "ml-from-keyring")
    assert get_api_key("modelslab", {"MODELSLAB_API_KEY": "   "}) == "ml-from-keyring"
    assert key_source("modelslab", {}) == "keyring"
    assert get_api_key("stability", {}) is None and key_source("stability", {}) is None


def test_save_and_delete_round_trip(memory_keyring):
    save_api_key("stability", f"  {SECRET} ")
    assert memory_keyring.store[("StickerStudio", "stability")] == SECRET
    assert get_api_key("stability", {}) == SECRET
    delete_api_key("stability")
    delete_api_key("stability")  # already gone: still fine
    assert get_api_key("stability", {}) is None


def test_no_keyring_backend_is_quiet_on_read_and_clear_on_save(caplog):
    keyring.set_keyring(keyring.backends.fail.Keyring())
    caplog.set_level(logging.DEBUG)
    assert get_api_key("stability", {}) is None
    delete_api_key("modelslab")
    with pytest.raises(ConfigError, match="set STABILITY_API_KEY instead") as info:
        save_api_key("stability", SECRET)
    assert SECRET not in str(info.value)
    assert all(SECRET not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("bad", ["two words", "line\nbreak-injection", "tab\there", "x" * 600])
def test_malformed_keys_are_refused_without_echoing_them(bad):
    with pytest.raises(ConfigError, match="paste it again") as info:
        get_api_key("stability", {"STABILITY_API_KEY": bad})
    assert bad not in str(info.value)


def test_only_key_providers_are_accepted():
    with pytest.raises(ConfigError, match="Only stability and modelslab"):
        get_api_key("local", {})
    with pytest.raises(ConfigError, match="empty"):
        save_api_key("modelslab", "   ")
