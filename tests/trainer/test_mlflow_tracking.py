"""MLflow store location, explicit artifact locations, registry aliases, and failures that never stop training."""

from __future__ import annotations

import os

from stickerstudio_desktop.config.paths import app_paths
from trainer.tracking import Tracker, default_uri


def test_default_store_is_sqlite_in_the_data_dir_with_artifacts_beside_it(private_home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = app_paths(private_home)
    t = Tracker.for_paths(paths)
    assert t.uri == default_uri(paths) == f"sqlite:///{(paths.mlflow / 'mlflow.db').as_posix()}"
    run = t.start("yolo_animated", "r1", {"style": "animated"})
    t.params(run, {"epochs": 2})
    t.metrics(run, {"loss": 0.5}, step=0)
    t.metrics(run, {"loss": 0.25}, step=1)
    f = tmp_path / "model.onnx"
    f.write_bytes(b"x")
    t.artifact(run, f, "model")
    version = t.register("yolo_animated", run, "model/model.onnx", "challenger")
    t.alias("yolo_animated", "champion", version)
    t.finish(run)
    assert t.errors == [] and os.environ["MLFLOW_DISABLE_TELEMETRY"] == "true"
    exp = t.client.get_experiment_by_name("yolo_animated")
    assert exp.artifact_location == (paths.mlflow / "artifacts" / "yolo_animated").resolve().as_uri()
    assert (paths.mlflow / "mlflow.db").is_file()
    assert (paths.mlflow / "artifacts" / "yolo_animated").is_dir()
    assert not (tmp_path / "mlruns").exists()  # nothing lands in the working directory
    assert [m.value for m in t.client.get_metric_history(run, "loss")] == [0.5, 0.25]
    assert str(t.client.get_model_version_by_alias("yolo_animated", "champion").version) == version == "1"
    # A second registration is version 2 and the aliases move independently.
    run2 = t.start("yolo_animated", "r2")
    t.artifact(run2, f, "model")
    assert t.register("yolo_animated", run2, "model/model.onnx", "challenger") == "2"
    assert str(t.client.get_model_version_by_alias("yolo_animated", "champion").version) == "1"


def test_a_broken_store_is_recorded_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    t = Tracker(f"sqlite:///{blocker.as_posix()}/sub/mlflow.db", tmp_path / "art")
    run = t.start("yolo_normal", "r")
    assert run is None
    t.metrics(run, {"x": 1.0})  # no-ops without a run
    assert t.register("yolo_normal", run, "model/x.onnx", "challenger") is None
    assert t.errors and all(e.startswith("MLflow could not") for e in t.errors)
