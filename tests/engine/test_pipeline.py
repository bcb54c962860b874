"""The pipeline on real photos with the real U²-Net models."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stickerstudio_desktop.engine.pipeline import MAX_WORK_SIDE, Pipeline
from stickerstudio_desktop.errors import ConfigError, ImageLoadError, ModelError


def test_cutout_of_a_real_photo_has_a_subject_and_transparent_corners(shared_pipeline, photos):
    for photo in photos[:3]:
        analysis = shared_pipeline.analyse(photo)
        assert analysis.engine in ("u2netp", "u2net", "yolo_normal", "yolo_animated")  # u2net: the cascade was unsure
        assert analysis.instances, photo
        alpha = np.asarray(shared_pipeline.cutout(analysis).image)[..., 3]
        h, w = alpha.shape
        share = (alpha > 127).mean()
        assert 0.05 < share < 0.95, (photo, share)
        assert alpha[0, 0] == 0 or alpha[0, -1] == 0  # background removed somewhere at the top


def test_each_stage_is_timed(shared_pipeline, photos):
    analysis = shared_pipeline.analyse(photos[0], "u2netp")
    assert {"load", "segment"} <= set(analysis.timings.stages)
    cut = shared_pipeline.cutout(analysis)
    assert "refine" in cut.timings.stages


def test_analysis_is_cached_per_content_and_engine(shared_pipeline, photos, tmp_path):
    a = shared_pipeline.analyse(photos[1])
    copy = tmp_path / "renamed.jpg"
    copy.write_bytes(photos[1].read_bytes())
    assert shared_pipeline.analyse(copy) is a  # same bytes → same analysis, no re-segmentation
    assert shared_pipeline.cutout(a) is shared_pipeline.cutout(a)


def test_existing_transparency_is_used_in_auto(shared_pipeline):
    rgba = np.zeros((200, 300, 4), np.uint8)
    rgba[50:150, 100:200] = (200, 30, 30, 255)
    analysis = shared_pipeline.analyse(Image.fromarray(rgba, "RGBA"))
    assert analysis.engine == "source-alpha"
    alpha = np.asarray(shared_pipeline.cutout(analysis).image)[..., 3]
    assert alpha[100, 150] == 255 and alpha[10, 10] == 0


def test_big_photos_are_worked_on_at_a_capped_size_and_masks_come_back_full_size(shared_pipeline, photos):
    big = Image.open(photos[0]).convert("RGB").resize((3000, 2000))
    analysis = shared_pipeline.analyse(big, "u2netp")
    assert max(analysis.rgb.shape[:2]) == MAX_WORK_SIDE
    assert analysis.source_size == (3000, 2000)


def test_mask_is_at_the_inputs_own_size(shared_pipeline, photos):
    mask = shared_pipeline.mask(photos[0], "u2netp")
    w, h = Image.open(photos[0]).size
    assert mask.shape == (h, w) and mask.dtype == np.uint8
    assert mask.max() == 255 and mask.min() == 0


def test_u2net_full_and_fast_agree_on_a_clear_subject(shared_pipeline, photos):
    cat = next(p for p in photos if p.stem == "chelsea")
    a = shared_pipeline.mask(cat, "u2net") > 127
    b = shared_pipeline.mask(cat, "u2netp") > 127
    assert (a & b).sum() / (a | b).sum() > 0.8


def test_bad_inputs_raise_one_clear_error(shared_pipeline, tmp_path):
    bad = tmp_path / "note.png"
    bad.write_text("<html>not an image</html>")
    with pytest.raises(ImageLoadError, match="note.png"):
        shared_pipeline.analyse(bad)
    with pytest.raises(ImageLoadError, match="does not exist"):
        shared_pipeline.analyse(tmp_path / "missing.jpg")
    with pytest.raises(ImageLoadError, match="folder"):
        shared_pipeline.analyse(tmp_path)
    with pytest.raises(ConfigError):
        shared_pipeline.analyse(bad, engine="magic")


def test_missing_weights_say_how_to_fetch_them(tmp_path, monkeypatch, photos):
    monkeypatch.setenv("STICKERSTUDIO_MODEL_CACHE", str(tmp_path / "empty-cache"))
    from stickerstudio_desktop.config.paths import app_paths

    p = Pipeline(paths=app_paths(tmp_path))
    with pytest.raises(ModelError, match="fetch-models"):
        p.analyse(photos[0], "u2net")


def _manifest_with_yolo(tmp_path, yolo_onnx, conf):
    """A models/ folder like the bundled one plus a yolo_normal student."""
    import json
    import shutil

    from stickerstudio_desktop.config.paths import bundled
    from stickerstudio_desktop.engine.manifest import load_manifest, sha256_file

    models = tmp_path / f"models-{conf}"
    models.mkdir()
    raw = json.loads((bundled("models") / "manifest.json").read_text())
    raw["routing"] = {"normal": "student"}  # as if the gate had bundled and routed a photo student
    shutil.copy(yolo_onnx, models / "student.onnx")
    raw["models"]["yolo_normal"] = {
        "kind": "yolo-seg", "file": "student.onnx", "sha256": sha256_file(models / "student.onnx"),
        "class_names": ["class0", "class1", "class2"], "conf": conf, "input": {"size": [160, 160]}}
    (models / "manifest.json").write_text(json.dumps(raw))
    return load_manifest(models)


def test_auto_uses_the_yolo_student_when_it_finds_something(tmp_path, yolo_onnx, photos):
    from stickerstudio_desktop.config.paths import app_paths

    p = Pipeline(paths=app_paths(tmp_path), manifest=_manifest_with_yolo(tmp_path, yolo_onnx, conf=0.0))
    analysis = p.analyse(photos[0], "yolo")
    assert analysis.engine == "yolo_normal" and analysis.instances and not analysis.note
    assert all(i.mask.shape == analysis.rgb.shape[:2] for i in analysis.instances)


def test_auto_falls_back_to_u2net_and_says_so(tmp_path, yolo_onnx, photos):
    from stickerstudio_desktop.config.paths import app_paths

    p = Pipeline(paths=app_paths(tmp_path), manifest=_manifest_with_yolo(tmp_path, yolo_onnx, conf=1.0))
    analysis = p.analyse(photos[0], "auto")
    assert analysis.engine == "u2netp" and analysis.instances
    assert "yolo_normal found no subject" in analysis.note


def test_a_promoted_model_is_picked_up_without_restart(tmp_path, yolo_onnx, photos):
    import json
    import shutil

    from stickerstudio_desktop.config.paths import app_paths

    paths = app_paths(tmp_path)
    p = Pipeline(paths=paths, manifest=_manifest_with_yolo(tmp_path, yolo_onnx, conf=0.0))
    assert p.model_versions()["yolo_normal"] == "1"
    d = paths.data / "models" / "yolo_normal"
    d.mkdir(parents=True)
    shutil.copy(yolo_onnx, d / "v9.onnx")
    (d / "current.json").write_text(json.dumps({"file": "v9.onnx", "version": "v9"}))
    assert p.model_versions()["yolo_normal"] == "v9"
    assert p.registry.path(p.manifest.get("yolo_normal")) == d / "v9.onnx"
    assert p.analyse(photos[1], "yolo").engine == "yolo_normal"
    (d / "current.json").write_text("{broken")  # a torn pointer falls back to the bundled file
    assert p.model_versions()["yolo_normal"] == "1"


def test_salient_specks_are_not_part_of_the_subject():
    from stickerstudio_desktop.engine.salient import instances_from_saliency

    sal = np.zeros((200, 200), np.float32)
    sal[50:150, 50:150] = 1.0
    sal[5:8, 5:8] = 0.9  # a speck: 9 px against 10,000
    (inst,) = instances_from_saliency(sal)
    assert inst.mask[6, 6] == 0 and inst.mask[100, 100] == 1.0


def test_a_named_pipe_is_refused_instead_of_blocking(shared_pipeline, tmp_path):
    import os

    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageLoadError, match="not a regular file"):
        shared_pipeline.analyse(fifo)


def test_auto_leaves_an_image_of_unclear_style_to_the_general_model(tmp_path, yolo_onnx):
    import json

    from stickerstudio_desktop.config.paths import ROOT_DIR, app_paths
    from stickerstudio_desktop.engine.manifest import load_manifest
    from stickerstudio_desktop.engine.pipeline import ROUTE_MIN_SCORE

    manifest = _manifest_with_yolo(tmp_path, yolo_onnx, conf=0.0)
    raw = json.loads((manifest.directory / "manifest.json").read_text())
    raw["models"]["yolo_animated"] = raw["models"]["yolo_normal"]
    (manifest.directory / "manifest.json").write_text(json.dumps(raw))
    classifier = raw["models"]["style_classifier"]["file"]
    (manifest.directory / classifier).symlink_to(ROOT_DIR / "models" / classifier)
    p = Pipeline(paths=app_paths(tmp_path), manifest=load_manifest(manifest.directory))
    samples = ROOT_DIR / "resources" / "samples"
    # the committed public-domain photo crop the bundled classifier is least sure about (below the threshold)
    candidates = sorted((ROOT_DIR / "tests" / "data" / "style_eval").glob("normal-*.jpg"))
    scores = {c: p.classify_rgb(np.asarray(Image.open(c).convert("RGB"))).score for c in candidates}
    least = min(scores, key=scores.get)
    unclear = p.analyse(least, "auto")
    assert unclear.style.score < ROUTE_MIN_SCORE, scores
    assert unclear.engine == "u2netp" and unclear.instances and "the style is unclear" in unclear.note
    assert p.analyse(least, "yolo").engine.startswith("yolo_")  # asked for explicitly
    clear = p.analyse(samples / "chelsea.jpg", "auto")
    assert clear.style.score >= ROUTE_MIN_SCORE and clear.engine == "yolo_normal" and not clear.note


def _routed_manifest(tmp_path, routing):
    """The bundled manifest with *routing* as its table, beside links to the bundled files."""
    import json

    from stickerstudio_desktop.config.paths import bundled
    from stickerstudio_desktop.engine.manifest import load_manifest

    models = tmp_path / "routed"
    models.mkdir(parents=True)
    raw = json.loads((bundled("models") / "manifest.json").read_text())
    raw["routing"] = routing
    for entry in raw["models"].values():
        src = bundled("models") / entry["file"]
        if src.is_file():
            (models / entry["file"]).symlink_to(src)
    (models / "manifest.json").write_text(json.dumps(raw))
    return load_manifest(models)


def test_the_routing_table_decides_what_auto_runs_per_style(tmp_path):
    from stickerstudio_desktop.config.paths import ROOT_DIR, app_paths

    cartoon = ROOT_DIR / "tests" / "data" / "student_eval" / "animated" / "images" / "test" / "animated-test-00000.jpg"
    default = Pipeline(paths=app_paths(tmp_path), manifest=_routed_manifest(tmp_path / "a", {}))
    routed = Pipeline(paths=app_paths(tmp_path), manifest=_routed_manifest(tmp_path / "b", {"animated": "u2net"}))
    first = default.analyse(cartoon, "auto")
    assert first.style.style == "animated" and first.engine == "yolo_animated"  # no entry: the student
    second = routed.analyse(cartoon, "auto")
    assert second.style.style == "animated" and second.engine == "u2net" and second.instances
    assert routed.analyse(cartoon, "yolo").engine == "yolo_animated"  # asked for explicitly


def test_a_routing_table_naming_an_unknown_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="routing table"):
        _routed_manifest(tmp_path, {"normal": "sam2"})
