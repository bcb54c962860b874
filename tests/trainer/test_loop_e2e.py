"""End to end: a local server plays Pinterest, the CLI runs one full cycle, and we check everything it left.

Pages and pin images are served from 127.0.0.1; real photos (and their
mirror images) are the pins, plus a corrupt file, a non-image, a duplicate
and one over the byte limit. The cycle labels with U²-Netp, fine-tunes at
imgsz 64 for one epoch, exports, and gates; the gate is told to accept
any challenger (margin -1), since which model is better is the gate
tests' business, and this one checks the plumbing end to end.
"""

from __future__ import annotations

import io
import json
import urllib.request

import numpy as np
import pytest
from PIL import Image
from test_loop_support import PHOTOS, PinterestFake, board_html, photo_variants, write_settings

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.metrics import REGISTRY, serve_metrics
from trainer.cli import main
from trainer.models import trainer_pipeline
from trainer.settings import TrainerSettings
from trainer.tracking import Tracker

pytestmark = pytest.mark.slow


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    home = tmp_path_factory.mktemp("e2e-home")
    fake = PinterestFake()
    photos = photo_variants()
    noise = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (500, 500, 3), np.uint8)).save(noise, "PNG")
    page1 = [fake.add_pin(p) for p in photos[:8]]
    page1 += [fake.add_pin(b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg"),
              fake.add_pin(b"<html>login</html>", "text/html"),
              fake.add_pin(photos[0], name=b"same pixels, another pin")]
    page2 = [fake.add_pin(p) for p in photos[8:]] + [fake.add_pin(noise.getvalue(), "image/png")]
    fake.pages["/board/"] = board_html(page1, next_href="/board/?page=2")
    fake.pages["/board/?page=2"] = board_html(page2)
    write_settings(app_paths(home).trainer, pinterest_image_base_url=fake.url, max_image_bytes=400_000,
                   gate_margin=-1.0, gate_tolerance=1.0)
    before = {k: sample(f"stickerstudio_{k}_total", **lab) for k, lab in (
        ("training_runs", {"outcome": "promoted"}), ("images_scraped", {"source": "pinterest"}))}
    yield {"home": home, "fake": fake, "before": before, "argv": [
        "run-once", "--home", str(home), "--source", f"pinterest:{fake.url}/board/", "--json"]}
    fake.close()


@pytest.fixture(scope="module")
def first(run):
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(run["argv"])
    return rc, out.getvalue()


def test_one_cycle_promotes_and_reports_in_one_json_object(run, first):
    rc, out = first
    assert rc == 0
    result = json.loads(out)  # exactly one JSON object on stdout, nothing else
    assert result["outcome"] == "promoted", result
    assert result["promoted"]["yolo_normal"] == "v1" and set(result["promoted"].values()) == {"v1"}
    added = sum(result["images_added"].values()) + sum(result["eval_images_added"].values())
    assert result["images_added"]["normal"] >= 6 and result["eval_images_added"]["normal"] == 4
    # real photos: the style classifier sends (nearly) all of them to the normal dataset
    assert result["images_added"]["animated"] + result["eval_images_added"]["animated"] <= 3
    skipped = result["skipped"]
    assert skipped["corrupt"] == 1 and skipped["bad_type"] == 1 and skipped["duplicate"] == 1
    assert skipped["too_large"] == 1
    assert added + skipped.get("no_subject", 0) == len(PHOTOS) * 2
    assert result["gate"]["promote"] and result["challenger"]["normal"]["miou"] is not None
    assert result["champion"]["normal"]["version"] is None  # nothing was promoted before
    assert result["mlflow_run_id"] in result["mlflow_run_ids"].values() and "normal" in result["mlflow_run_ids"]
    assert not any("No style classifier" in n for n in result["notes"])
    assert result["teacher"] == "u2netp"


def test_the_scraper_was_polite_and_skipped_avatars(run, first):
    fake = run["fake"]
    assert {r["ua"] for r in fake.log} == {TrainerSettings().user_agent}
    assert not fake.requested("/75x75_RS/") and not fake.requested("/236x/")
    assert fake.requested("/board/") == ["/board/", "/board/?page=2"]


def test_the_app_loads_the_promoted_champion(run, first):
    paths = app_paths(run["home"])
    pointer = json.loads((paths.data / "models" / "yolo_normal" / "current.json").read_text())
    assert pointer["file"] == "v1.onnx" and pointer["mlflow_run_id"] == json.loads(first[1])["mlflow_run_ids"]["normal"]
    assert (paths.trainer / "checkpoints" / "yolo_normal" / "v1.pt").is_file()
    pipeline = trainer_pipeline(paths, 64)
    seg = pipeline.yolo("normal")
    assert seg is not None and seg.input_size == (64, 64)
    seg.segment(np.asarray(Image.open(PHOTOS[0]).convert("RGB")))  # runs through the app's decoder


def test_the_run_is_recorded_in_mlflow(run, first):
    result = json.loads(first[1])
    tracker = Tracker.for_paths(app_paths(run["home"]))
    (r,) = tracker.runs("yolo_normal")
    assert r.info.run_id == result["mlflow_run_ids"]["normal"] and r.info.status == "FINISHED"
    assert r.data.params["epochs"] == "1" and r.data.params["imgsz"] == "64" and r.data.params["teacher"] == "u2netp"
    m = r.data.metrics
    assert m["gate_promoted"] == 1.0 and m["gate_challenger_miou"] == result["challenger"]["normal"]["miou"]
    assert m["dataset_eval_images"] == 4 and m["dataset_train_images"] >= 5
    history = tracker.client.get_metric_history(r.info.run_id, "train/seg_loss")
    assert [h.step for h in history] == [0]  # one epoch, logged per epoch
    assert "metrics/mAP50-95_M" in m and "best/metrics/mAP50-95_M" in m
    assert r.data.tags["gate_decision"] == "promoted"
    arts = {a.path for a in tracker.client.list_artifacts(r.info.run_id)}
    assert {"model", "data_summary.json"} <= arts
    assert [a.path for a in tracker.client.list_artifacts(r.info.run_id, "model")] == ["model/challenger.onnx"]
    champion = tracker.client.get_model_version_by_alias("yolo_normal", "champion")
    assert champion.run_id == r.info.run_id
    assert tracker.client.get_model_version_by_alias("yolo_normal", "challenger").version == champion.version


def test_prometheus_counts_the_run_and_serves_it(run, first):
    before = run["before"]
    assert sample("stickerstudio_training_runs_total", outcome="promoted") == before["training_runs"] + 1
    result = json.loads(first[1])
    added = sum(result["images_added"].values()) + sum(result["eval_images_added"].values())
    assert sample("stickerstudio_images_scraped_total", source="pinterest") == before["images_scraped"] + added
    server, _ = serve_metrics(0)
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/metrics").read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert 'stickerstudio_champion_version{model="yolo_normal"} 1.0' in body
    assert 'stickerstudio_dataset_images{split="eval",style="normal"} 4.0' in body
    assert 'stickerstudio_images_skipped_total{reason="corrupt",source="pinterest"}' in body
    assert "stickerstudio_training_last_run_seconds " in body and "stickerstudio_host_cpu_percent" in body


def test_a_second_run_resumes_without_fetching_anything_again(run, first):
    fake = run["fake"]
    images_before = len(fake.requested("/736x/"))
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        assert main(run["argv"]) == 0
    result = json.loads(out.getvalue())
    assert result["outcome"] == "no_new_data"
    assert len(fake.requested("/736x/")) == images_before
    assert sum(result["images_added"].values()) == 0 and result["skipped"] == {}
