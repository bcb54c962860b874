"""Runs SIGKILLed during training and during promotion leave a loadable champion; the next runs recover."""

from __future__ import annotations

import hashlib
import json
import signal

import numpy as np
import pytest
from PIL import Image
from test_loop_support import PHOTOS, make_untrained_onnx, photo_variants, start_paused_run, write_settings

from stickerstudio_desktop.config.paths import app_paths
from trainer.loop import lock_for, run_cycle
from trainer.models import trainer_pipeline
from trainer.modelstore import ModelStore
from trainer.settings import load_trainer_settings
from trainer.tracking import Tracker

pytestmark = pytest.mark.slow


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_sigkill_during_training_then_during_promotion_keeps_the_champion_and_runs_recover(private_home, tmp_path):
    paths = app_paths(private_home)
    # Two epochs so a kill after the first leaves a resumable last.pt; the gate accepts any challenger.
    write_settings(paths.trainer, epochs=2, gate_margin=-1.0, gate_tolerance=1.0)
    store = ModelStore(paths)
    store.promote("yolo_normal", make_untrained_onnx(tmp_path / "onnx", paths.trainer, seed=3), meta={"miou": 0.1})
    user_photos = tmp_path / "my photos"
    user_photos.mkdir()
    for i, data in enumerate(photo_variants()[:6]):
        (user_photos / f"{i}.jpg").write_bytes(data)
    before = digest(user_photos)

    def champion_is_v1_and_loads():
        assert json.loads(store.pointer("yolo_normal").read_text())["version"] == "v1"
        seg = trainer_pipeline(paths, 64).yolo("normal")
        assert seg is not None
        seg.segment(np.asarray(Image.open(PHOTOS[0]).convert("RGB")))
        assert lock_for(paths).holder() is None  # the killed run's lock is recognisably stale

    # 1. Killed during training, after epoch 1 of 2 was saved.
    proc = start_paused_run(private_home, "train-epoch", "--source", f"folder:{user_photos}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    champion_is_v1_and_loads()
    assert (paths.trainer / "work" / "normal" / "train" / "weights" / "last.pt").is_file()

    # 2. The next run resumes that training, then is killed just before the pointer switch.
    proc = start_paused_run(private_home, "promote-switch")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    champion_is_v1_and_loads()
    assert store.versions("yolo_normal") == ["v1", "v2"]  # written beside, never pointed at
    tracker = Tracker.for_paths(paths)
    assert [r.data.tags.get("resumed") for r in tracker.runs("yolo_normal")].count("true") == 1

    # 3. The next run clears the lock, notes the interruption, retrains the pending data and promotes.
    result = run_cycle(paths, load_trainer_settings(paths.trainer), sources=[])
    assert result["outcome"] == "promoted", result
    assert any("interrupted during promote" in n for n in result["notes"])
    assert any("stale lock" in n for n in result["notes"])
    assert result["promoted"] == {"yolo_normal": "v3"}  # v2 was never the champion; numbers are not reused
    assert store.current("yolo_normal")["previous"] == "v1"
    assert trainer_pipeline(paths, 64).yolo("normal") is not None
    assert not (paths.trainer / "current_run.json").exists()
    assert not list(store.root("yolo_normal").glob(".*.part"))
    assert digest(user_photos) == before  # nothing of the user's is touched
