"""Trainer settings: defaults, JSON file, environment, and one-sentence validation errors."""

from __future__ import annotations

import json

import pytest

from stickerstudio_desktop.errors import ConfigError
from trainer.settings import TrainerSettings, load_trainer_settings, save_trainer_settings


def test_file_then_environment_win_over_defaults(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"epochs": 3, "imgsz": 128, "sources": ["folder:/x"]}))
    env = {"STICKERSTUDIO_TRAIN_EPOCHS": "5", "STICKERSTUDIO_TRAIN_SOURCES": "pinterest:cute cats, dogs;stickers"}
    s = load_trainer_settings(tmp_path, env)
    assert (s.epochs, s.imgsz, s.batch) == (5, 128, TrainerSettings().batch)
    assert s.sources == ["pinterest:cute cats, dogs", "stickers"]


def test_round_trip(tmp_path):
    save_trainer_settings(TrainerSettings(epochs=2, gate_margin=0.05), tmp_path)
    assert load_trainer_settings(tmp_path, {}).gate_margin == 0.05


@pytest.mark.parametrize("field, value, words", [
    ("imgsz", 100, "multiple of 32"), ("epochs", 0, "epochs"), ("teacher", "sam", "teacher"),
    ("sources", ["ftp:x"], "not one of"), ("gate_tolerance", 2, "tolerance"), ("tracking_uri", "nope", "URI"),
])
def test_bad_values_are_refused_in_one_sentence(tmp_path, field, value, words):
    (tmp_path / "settings.json").write_text(json.dumps({field: value}))
    with pytest.raises(ConfigError, match=words) as exc:
        load_trainer_settings(tmp_path, {})
    assert str(exc.value).endswith(".") and "\n" not in str(exc.value)


def test_unknown_keys_and_broken_json_are_refused(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"epoch": 3}))
    with pytest.raises(ConfigError, match="Unknown trainer setting 'epoch'"):
        load_trainer_settings(tmp_path, {})
    (tmp_path / "settings.json").write_text("{")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_trainer_settings(tmp_path, {})
    with pytest.raises(ConfigError, match="Setting epochs"):
        load_trainer_settings(tmp_path.parent / "none", {"STICKERSTUDIO_TRAIN_EPOCHS": "many"})
