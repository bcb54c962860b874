"""Publishing a student into models/: the gate against the app's current path, sha checks, manifest entry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_loop_support import ROOT

from stickerstudio_desktop.engine.manifest import load_manifest, sha256_file
from stickerstudio_desktop.errors import ConfigError
from trainer.students.publish import TOLERANCE, gate, publish


def _style(student_miou: float, student_bf: float, speedup: float = 16.0) -> dict:
    model = lambda name, miou, bf, ms: {"name": name, "miou": miou, "boundary_f": bf, "p50_ms": ms}  # noqa: E731
    return {"n": 60, "speedup_vs_u2net": speedup, "student_empty": 0,
            "models": {"student": model("s", student_miou, student_bf, 38.0),
                       "u2net": model("u2net", 0.89, 0.85, 620.0),
                       "u2netp": model("u2netp", 0.84, 0.81, 266.0), "auto": model("auto", student_miou, 0.8, 60.0)}}


def test_gate_lets_through_only_a_student_no_worse_than_u2netp_and_fast():
    assert gate(_style(0.84 - TOLERANCE + 0.001, 0.81)) == []
    assert gate(_style(0.90, 0.95)) == []
    worse_iou = gate(_style(0.80, 0.90))
    assert len(worse_iou) == 1 and "mIoU 0.8 " in worse_iou[0] and "u2netp" in worse_iou[0]
    assert any("boundary F" in r for r in gate(_style(0.90, 0.70)))
    assert any("faster" in r for r in gate(_style(0.90, 0.90, speedup=4.0)))
    assert any("faster" in r for r in gate(_style(0.90, 0.90, speedup=None)))


def _setup(tmp_path: Path, animated: dict, normal: dict) -> tuple[Path, Path, Path]:
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy2(ROOT / "models" / "manifest.json", models / "manifest.json")
    data = tmp_path / "students"
    (data / "eval").mkdir(parents=True)
    onnx = data / "eval" / "student.onnx"
    onnx.write_bytes(b"an exported student" * 100)
    entry = {"file": str(onnx), "sha256": sha256_file(onnx), "bytes": onnx.stat().st_size, "imgsz": [416, 416]}
    trained = {"epochs_done_in_run": 6, "val_mask_map50": 0.7,
               "checkpoint": str(ROOT / "trainer" / "checkpoints" / "student_animated_best.pt")}
    report = {"created": "2026-11-25T21:00:00Z", "training": {"animated": trained, "normal": trained},
              "students": {"yolo_normal": entry, "yolo_animated": entry},
              "styles": {"animated": animated, "normal": normal}}
    (data / "eval" / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return models, data, onnx


def test_publish_bundles_the_passing_style_and_leaves_the_other_unbundled(tmp_path):
    models, data, onnx = _setup(tmp_path, animated=_style(0.86, 0.80), normal=_style(0.42, 0.39))
    before = json.loads((models / "manifest.json").read_text(encoding="utf-8"))["models"]
    refused = publish(data, models, log=lambda _: None)

    assert list(refused) == ["normal"] and "mIoU 0.42" in refused["normal"][0]
    assert (models / "yolo_animated.onnx").read_bytes() == onnx.read_bytes()
    assert not (models / "yolo_normal.onnx").exists()
    manifest = load_manifest(models)
    spec = manifest.get("yolo_animated")
    assert spec.bundled and spec.sha256 == sha256_file(onnx) and spec.class_names == ("subject",)
    assert spec.input.size == (416, 416) and spec.input.resize == "letterbox"
    assert spec.extra["training"]["checkpoint"] == "trainer/checkpoints/student_animated_best.pt"
    assert spec.extra["metrics"]["held_out_composites"]["miou"] == 0.86
    assert spec.extra["command"].startswith("python -m trainer.students.build")
    assert not manifest.get("yolo_normal").bundled
    after = json.loads((models / "manifest.json").read_text(encoding="utf-8"))["models"]
    assert {k: v for k, v in after.items() if k != "yolo_animated"} == \
        {k: v for k, v in before.items() if k != "yolo_animated"}
    assert not list(models.glob("*.tmp*")) and not list(models.glob(".*"))


def test_publish_refuses_a_file_the_report_did_not_measure(tmp_path):
    models, data, onnx = _setup(tmp_path, animated=_style(0.9, 0.9), normal=_style(0.9, 0.9))
    original = (models / "manifest.json").read_bytes()
    onnx.write_bytes(b"retrained since the evaluation")
    with pytest.raises(ConfigError, match="not the file the report measured"):
        publish(data, models, log=lambda _: None)
    assert (models / "manifest.json").read_bytes() == original and not (models / "yolo_animated.onnx").exists()


def test_publish_without_a_report_says_what_to_run(tmp_path):
    with pytest.raises(ConfigError, match="stickerstudio-train eval --students. on the checkpoints first"):
        publish(tmp_path / "nothing", ROOT / "models", log=lambda _: None)


def test_gate_refuses_a_student_that_makes_real_photos_worse():
    from trainer.students.publish import PHOTO_TOLERANCE

    def photo(style, score, auto, before):
        return {"file": "x.jpg", "style": style, "style_score": score, "iou_auto": auto, "iou_u2netp": before}
    cat = {"items": [photo("normal", 0.99, 0.06, 0.95), photo("normal", 0.98, 0.95, 0.96)]}
    reasons = gate(_style(0.9, 0.9), cat, "normal")
    assert len(reasons) == 1 and "2 real photos routed to it" in reasons[0] and "0.505" in reasons[0]
    assert gate(_style(0.9, 0.9), cat, "animated") == []  # none of them is routed to the animated student
    unsure = {"items": [photo("animated", 0.52, 0.3, 0.95)]}  # auto would not route it to the student
    assert gate(_style(0.9, 0.9), unsure, "animated") == []
    close = {"items": [photo("normal", 0.99, 0.95 - PHOTO_TOLERANCE + 0.001, 0.95)]}
    assert gate(_style(0.9, 0.9), close, "normal") == []


def test_gate_refuses_a_student_below_u2net_on_its_real_image_judge():
    def summary(m):
        return {"n": 20, "miou": m, "p50_ms": 1.0, "engines": {}, "per_source": {"COCO": {"n": 20, "miou": m}},
                "per_category": {"animal": {"n": 20, "miou": m}}}

    real = {"n": 20, "reference": "u2net", "engines": {"u2net": summary(0.80), "yolo_normal": summary(0.60)}}
    reasons = gate(_style(0.90, 0.90), style="normal", real=real)
    assert reasons and reasons[0].startswith("on 20 held-out real images mIoU 0.600 is below u2net's 0.800")
    real["engines"]["yolo_normal"] = summary(0.81)
    assert gate(_style(0.90, 0.90), style="normal", real=real) == []
