"""The routing table follows the real-image judges: students only where they match U²-Net."""

from __future__ import annotations

import json
import shutil

import pytest

from stickerstudio_desktop.config.paths import bundled
from stickerstudio_desktop.engine.manifest import load_manifest
from trainer.routes import decide_routes, main


def _block(n=10, **miou):
    def summary(m, per_cat=None):
        cats = per_cat or {"animal": m}
        return {"n": n, "miou": m, "p50_ms": 10.0, "engines": {},
                "per_source": {"COCO": {"n": n, "miou": m}},
                "per_category": {k: {"n": n, "miou": v} for k, v in cats.items()}}
    return {"n": n, "reference": "u2net",
            "engines": {k: summary(*v) if isinstance(v, tuple) else summary(v) for k, v in miou.items()}}


def test_a_student_as_good_as_u2net_gets_its_style_and_a_worse_one_does_not():
    report = {"judges": {
        "photos": _block(auto=0.80, u2netp=0.80, u2net=0.79, yolo_normal=0.70),
        "illustrations": _block(auto=0.85, u2netp=0.80, u2net=0.84, yolo_animated=0.86)}}
    routes, reasons = decide_routes(report, {})
    assert routes == {"normal": "u2netp", "animated": "student", "unclear": "u2netp"}
    assert any("yolo_normal: mIoU 0.700 is below u2net's 0.790" in r for r in reasons)


def test_a_student_that_trails_in_one_category_loses_and_quality_beats_speed():
    report = {"judges": {"illustrations": _block(
        u2netp=0.70, u2net=0.80, auto=0.8, yolo_animated=(0.85, {"animal": 0.95, "food": 0.70}))}}
    report["judges"]["illustrations"]["engines"]["u2net"]["per_category"]["food"] = {"n": 10, "miou": 0.80}
    routes, reasons = decide_routes(report, {"normal": "u2net"})
    assert routes["animated"] == "u2net"  # U²-Net is better than U²-Netp here: quality wins
    assert routes["normal"] == "u2net" and routes["unclear"] == "u2netp"  # no photo judge: kept
    assert any("category food trails u2net by 0.100" in r for r in reasons)


def test_the_command_rewrites_only_the_manifests_table(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(bundled("models") / "manifest.json", models / "manifest.json")
    before = load_manifest(models).models
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"judges": {"photos": _block(auto=0.8, u2netp=0.8, u2net=0.8)}}))
    assert main(["--report", str(report), "--models", str(models)]) == 0
    after = load_manifest(models)
    assert after.routing["normal"] == "u2netp" and after.models == before
    assert main(["--report", str(tmp_path / "missing.json"), "--models", str(models)]) == 1


@pytest.mark.parametrize("bad", [{"judges": {"photos": {"engines": {}}}}])
def test_a_report_without_the_reference_is_one_sentence(tmp_path, bad, capsys):
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(bundled("models") / "manifest.json", models / "manifest.json")
    report = tmp_path / "report.json"
    report.write_text(json.dumps(bad))
    assert main(["--report", str(report), "--models", str(models)]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_router_targets_read_the_classifiers_held_out_scores():
    from trainer.realcard import router_targets

    heldout = {"ai-ghibli": {"n": 20, "accuracy": 0.85, "errors": []},
               "realgt-eval": {"n": 80, "accuracy": 1.0, "errors": []},
               "illustrations": {"n": 20, "accuracy": 0.85}}
    overall, ai = router_targets(heldout)
    assert overall["measured"].startswith("97.0% of 100") and overall["pass"]
    assert ai["measured"] == "85.0% of 20" and not ai["pass"]
    assert router_targets({}) == []


def test_the_cascade_is_routed_where_it_beats_both_salient_models_and_a_tie_goes_to_the_faster():
    report = {"judges": {"photos": _block(auto=0.80, u2netp=0.79, u2net=0.80, cascade=0.81),
                         "illustrations": _block(auto=0.85, u2netp=0.80, u2net=0.84, cascade=0.84)}}
    routes, reasons = decide_routes(report, {})
    assert routes == {"normal": "cascade", "animated": "cascade", "unclear": "cascade"}
    assert any(r.startswith("normal: cascade (mIoU 0.810") for r in reasons)
