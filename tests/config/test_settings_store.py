"""The one settings.json: recovery from a bad file, atomic writes, the environment on top."""

from __future__ import annotations

import json

import pytest

from stickerstudio_desktop.config.settings import Settings
from stickerstudio_desktop.config.store import SettingsStore


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"engine": "magic"}', '{"outline_px": "wide"}'])
def test_a_bad_file_gives_one_sentence_the_defaults_and_is_kept_beside(tmp_path, content):
    f = tmp_path / "settings.json"
    f.write_text(content)
    store = SettingsStore(f, environ={})
    assert store.settings == Settings()
    assert store.problem and "\n" not in store.problem and store.problem.endswith(".")
    (kept,) = tmp_path.glob("settings.json.bad-*")
    assert kept.read_text() == content and kept.name in store.problem
    assert not f.exists()
    store.update({"preset": "signal"})  # the next save writes a good file; the bad one stays
    assert json.loads(f.read_text()) == {"preset": "signal"} and kept.is_file()


def test_an_unreadable_file_is_set_aside_too(tmp_path):
    f = tmp_path / "settings.json"
    f.write_bytes(b"\xff\xfe\x00garbage")
    store = SettingsStore(f, environ={})
    assert store.settings == Settings() and "not valid JSON" in store.problem
    assert len(list(tmp_path.glob("settings.json.bad-*"))) == 1


def test_updates_are_atomic_validated_and_never_store_the_environment(tmp_path):
    f = tmp_path / "cfg" / "settings.json"
    store = SettingsStore(f, environ={"STICKERSTUDIO_ENGINE": "u2net"})
    store.update({"engine": "u2netp", "outline_px": 12})
    assert store.settings.engine == "u2net" and store.settings.outline_px == 12  # the environment wins
    assert json.loads(f.read_text()) == {"engine": "u2netp", "outline_px": 12}
    assert [p.name for p in f.parent.iterdir()] == ["settings.json"]
    with pytest.raises(Exception, match="time of day"):
        store.update({"nightly_time": "25:00"})
    assert json.loads(f.read_text()) == {"engine": "u2netp", "outline_px": 12}


def test_another_writer_is_picked_up_and_values_set_for_this_run_survive(tmp_path):
    f = tmp_path / "settings.json"
    mine = SettingsStore(f, environ={})
    mine.settings.nightly_time = "01:15"  # e.g. `schedule --at 01:15`
    other = SettingsStore(f, environ={})
    other.update({"metrics_port": 9999})
    assert mine.reload_if_changed() == {"metrics_port"}
    assert (mine.settings.metrics_port, mine.settings.nightly_time) == (9999, "01:15")
    assert mine.reload_if_changed() == set()
