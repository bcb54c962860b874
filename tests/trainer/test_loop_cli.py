"""``stickerstudio-train`` status, eval, rollback and usage errors, with --json."""

from __future__ import annotations

import json

import pytest
from test_loop_support import make_untrained_onnx

from stickerstudio_desktop.config.paths import app_paths
from trainer.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from trainer.modelstore import ModelStore


@pytest.fixture(scope="module")
def onnx(tmp_path_factory):
    return make_untrained_onnx(tmp_path_factory.mktemp("onnx"), tmp_path_factory.mktemp("trainer"), seed=5)


def run(capsys, *argv) -> tuple[int, dict]:
    rc = main([*argv, "--json"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1, out  # one JSON object, nothing else on stdout
    return rc, json.loads(lines[0])


def test_status_rollback_and_eval(private_home, capsys, onnx):
    store = ModelStore(app_paths(private_home))
    store.promote("yolo_normal", onnx, meta={"miou": 0.4})
    store.promote("yolo_normal", onnx, meta={"miou": 0.5})
    rc, st = run(capsys, "status")
    assert rc == EXIT_OK
    assert st["models"]["yolo_normal"] == {"version": "v2", "miou": 0.5, "promoted_at": st["models"]["yolo_normal"]
                                           ["promoted_at"], "versions": ["v1", "v2"], "checkpoint": False}
    assert st["models"]["yolo_animated"]["version"] is None and st["running"] is None
    rc, back = run(capsys, "rollback", "--model", "normal")
    assert rc == EXIT_OK and back["version"] == "v1" and back["rolled_back_from"] == "v2" and back["miou"] == 0.4
    rc, err = run(capsys, "rollback")
    assert rc == EXIT_FAILED and "nothing to roll back" in err["error"]
    trainer_dir = app_paths(private_home).trainer
    (trainer_dir / "settings.json").write_text(json.dumps({"real_judge_size": 3}))
    rc, ev = run(capsys, "eval")
    m = ev["models"]["yolo_normal"]
    assert rc == EXIT_OK and {k: m[k] for k in ("version", "images", "miou")} == {"version": "v1", "images": 0,
                                                                                  "miou": None}
    from trainer import realgt

    if realgt.load_items("eval"):  # the photo champion on real photos with human masks, as the gate scores it
        assert m["real_photos"] == 3 and 0.0 <= m["real_miou"] <= 1.0


def test_usage_and_bad_values(private_home, capsys):
    assert main(["rollback", "--model", "cartoon"]) == EXIT_USAGE
    assert main(["frobnicate"]) == EXIT_USAGE
    capsys.readouterr()
    rc, err = run(capsys, "run-once", "--source", "ftp:somewhere")
    assert rc == EXIT_FAILED and err["error"].startswith("Source 'ftp:somewhere' is not one of")
    rc, err = run(capsys, "run-once", "--imgsz", "100")
    assert rc == EXIT_FAILED and "multiple of 32" in err["error"]
