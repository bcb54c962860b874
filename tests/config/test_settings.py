"""Settings: defaults → JSON file → environment, validated with one sentence."""

from __future__ import annotations

import json

import pytest

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.config.settings import Settings, load_settings, parse_hex_color
from stickerstudio_desktop.config.store import SettingsStore
from stickerstudio_desktop.errors import ConfigError


def test_defaults_file_then_environment(tmp_path):
    f = tmp_path / "settings.json"
    f.write_text(json.dumps({"font": "Lobster", "outline_px": 12, "unknown": 1}))
    s = load_settings(f, environ={"STICKERSTUDIO_OUTLINE_PX": "4", "STICKERSTUDIO_SD_URL": "http://127.0.0.1:9"})
    assert (s.font, s.outline_px, s.sd_url, s.preset) == ("Lobster", 4, "http://127.0.0.1:9", "whatsapp")


def test_round_trip_is_atomic_and_complete(tmp_path):
    f = tmp_path / "cfg" / "settings.json"
    s = Settings(preset="telegram", shadow=True, provider_order=["local", "stability"])
    SettingsStore(f, environ={}).update(s.to_dict())
    assert load_settings(f, environ={}) == s
    assert [p.name for p in f.parent.iterdir()] == ["settings.json"]


@pytest.mark.parametrize("content,match", [
    ("{not json", "not valid JSON"), ("[1, 2]", "JSON object"),
    ('{"engine": "magic"}', "Engine must be"), ('{"outline_px": "wide"}', "invalid value"),
    ('{"text_color": "red"}', "not a colour"), ('{"nightly_time": "25:00"}', "time of day"),
    ('{"provider_order": ["dalle"]}', "Unknown text-to-image provider"),
    ('{"metrics_port": 70000}', "metrics port"),
])
def test_bad_settings_files_give_one_sentence(tmp_path, content, match):
    f = tmp_path / "settings.json"
    f.write_text(content)
    with pytest.raises(ConfigError, match=match) as info:
        load_settings(f, environ={})
    assert "\n" not in str(info.value) and str(info.value).endswith(".")


@pytest.mark.parametrize("text,rgba", [("#fff", (255, 255, 255, 255)), ("00FF0080", (0, 255, 0, 128)),
                                       (" #123456 ", (0x12, 0x34, 0x56, 255))])
def test_hex_colours(text, rgba):
    assert parse_hex_color(text) == rgba


def test_home_moves_every_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("STICKERSTUDIO_HOME", str(tmp_path / "h"))
    monkeypatch.delenv("STICKERSTUDIO_MODEL_CACHE", raising=False)
    p = app_paths()
    for folder in (p.data, p.config, p.cache, p.logs, p.library, p.model_cache, p.mlflow, p.trainer):
        assert str(folder).startswith(str(tmp_path / "h"))
    assert app_paths(tmp_path / "other").data == (tmp_path / "other" / "data").resolve()
