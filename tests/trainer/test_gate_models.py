"""The gate on real ONNX models through the app's own YOLO decoder, then promotion and rollback.

The evaluation set is real photos labelled by the U²-Netp teacher. The
"good" model is an untrained export whose head reports subjects (it
overlaps the true subject on every photo); the deliberately worse one is
the same network made blind (it finds nothing, IoU 0).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from test_loop_support import PHOTOS, make_untrained_onnx

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.errors import ModelError
from trainer import realgt
from trainer.dataset import DatasetStore
from trainer.evaluate import evaluate, run_gate
from trainer.models import segmenter, trainer_pipeline
from trainer.modelstore import ModelStore
from trainer.state import TrainerState
from trainer.teacher import TeacherError, choose_teacher

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    out = tmp_path_factory.mktemp("onnx")
    trainer_dir = tmp_path_factory.mktemp("trainer")
    return {"good": make_untrained_onnx(out, trainer_dir, seed=1),
            "blind": make_untrained_onnx(out, trainer_dir, seed=1, detects=False)}


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """Real photos with the U²-Netp teacher's labels (computed once)."""
    paths = app_paths(tmp_path_factory.mktemp("teacher-home"))
    teacher, _ = choose_teacher("u2netp", trainer_pipeline(paths, 64), trainer_dir=paths.trainer, threshold=0.5,
                                min_confidence=0.6, min_area=0.005)
    out = []
    for photo in PHOTOS:
        rgb = np.asarray(Image.open(photo).convert("RGB"))
        try:
            out.append((photo, rgb, teacher.label(rgb)))
        except TeacherError:
            continue
    assert len(out) >= 5
    return out


@pytest.fixture()
def world(private_home, labelled):
    """A fresh home whose evaluation set is those labelled photos."""
    paths = app_paths(private_home)
    pipeline = trainer_pipeline(paths, 64)
    data = DatasetStore(paths.trainer, TrainerState(paths.trainer / "state.sqlite3"))
    for photo, rgb, label in labelled:
        data.add("normal", "eval", photo.stem, rgb, label, source="test", origin=photo.name, teacher="u2netp")
    return paths, pipeline, data, ModelStore(paths, keep=3)


RULE = {"margin": 0.01, "tolerance": 0.02, "min_iou": 0.0}


def test_the_models_really_differ_on_the_evaluation_set(world, models):
    _, pipeline, data, _ = world
    items = data.eval_items("normal")
    good = evaluate(segmenter(pipeline, "yolo_normal", models["good"]), items)
    blind = evaluate(segmenter(pipeline, "yolo_normal", models["blind"]), items)
    assert min(good.ious) > 0.05  # overlaps every true subject
    assert blind.ious == [0.0] * len(items)


def test_gate_promotes_a_better_challenger_and_the_app_sees_it(world, models):
    paths, pipeline, data, store = world
    store.promote("yolo_normal", models["blind"], meta={"miou": 0.0})
    decision, champion = run_gate(pipeline, data, {"normal": models["good"]}, **RULE)
    assert champion["normal"] == 0.0
    assert decision.promote, decision.reason
    ptr = store.promote("yolo_normal", models["good"], meta={"miou": decision.challenger_miou})
    assert ptr["version"] == "v2" and ptr["previous"] == "v1"
    # The app's registry resolves the new pointer on its next lookup: no restart.
    assert pipeline.registry.version(pipeline.manifest.get("yolo_normal")) == "v2"
    assert pipeline.yolo("normal").segment(np.asarray(Image.open(PHOTOS[0]).convert("RGB")))


def test_gate_rejects_a_worse_challenger(world, models):
    _, pipeline, data, store = world
    store.promote("yolo_normal", models["good"])
    decision, champion = run_gate(pipeline, data, {"normal": models["blind"]}, **RULE)
    assert champion["normal"] > 0.05
    assert not decision.promote and decision.challenger_miou == 0.0


def test_gate_rejects_an_equal_challenger_below_the_margin(world, models):
    _, pipeline, data, store = world
    store.promote("yolo_normal", models["good"])
    decision, _ = run_gate(pipeline, data, {"normal": models["good"]}, **RULE)
    assert decision.challenger_miou == pytest.approx(decision.champion_miou)
    assert not decision.promote and "margin" in decision.reason


def test_versions_are_kept_pruned_and_rolled_back(world, models):
    paths, pipeline, _, store = world
    for i in range(4):
        store.promote("yolo_normal", models["good" if i % 2 else "blind"], meta={"miou": i / 10})
    assert store.versions("yolo_normal") == ["v2", "v3", "v4"]  # keep=3
    back = store.rollback("yolo_normal")
    assert back["version"] == "v3" and back["rolled_back_from"] == "v4" and back["miou"] == 0.2
    assert pipeline.registry.version(pipeline.manifest.get("yolo_normal")) == "v3"
    assert store.rollback("yolo_normal")["version"] == "v2"
    with pytest.raises(ModelError, match="nothing to roll back"):
        store.rollback("yolo_normal")
    assert json.loads(store.pointer("yolo_normal").read_text())["file"] == "v2.onnx"
    # The next promotion never reuses a number; rolled-back versions are no rollback target.
    assert store.promote("yolo_normal", models["good"])["version"] == "v5"
    assert store.versions("yolo_normal") == ["v3", "v4", "v5"]
    with pytest.raises(ModelError, match="nothing to roll back"):
        store.rollback("yolo_normal")


def test_a_broken_pointer_is_ignored_rather_than_loaded(world, models):
    paths, pipeline, _, store = world
    store.pointer("yolo_normal").parent.mkdir(parents=True, exist_ok=True)
    store.pointer("yolo_normal").write_text('{"file": "v9.onnx"', encoding="utf-8")
    assert store.current("yolo_normal") is None and pipeline.registry.promoted("yolo_normal") is None


def test_rollback_without_a_champion_says_so(world):
    with pytest.raises(ModelError, match="no promoted yolo_animated"):
        world[3].rollback("yolo_animated")


@pytest.mark.skipif(not realgt.load_items("eval"), reason="../shared/realgt is not beside the checkout")
def test_the_gate_scores_the_photo_challenger_on_real_photos(world, models):
    _, pipeline, data, store = world
    store.promote("yolo_normal", models["good"])
    items = realgt.load_items("eval")[:3]
    decision, _ = run_gate(pipeline, data, {"normal": models["blind"]}, **RULE, real_items=items)
    per = decision.per_style["normal"]
    assert per["real_photos"] == 3 and per["real_challenger_miou"] == 0.0  # the blind model finds nothing
    direct = [s.iou for s in realgt.score(items, realgt.segmenter_cutter(pipeline.yolo("normal")))]
    assert per["real_champion_miou"] == pytest.approx(float(np.mean(direct)))
