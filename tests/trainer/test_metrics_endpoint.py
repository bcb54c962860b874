"""/metrics on 127.0.0.1 serves every metric the issue names, with the trainer's real values."""

from __future__ import annotations

import urllib.request
from datetime import datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families
from test_loop_support import NAMED

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.config.settings import Settings
from stickerstudio_desktop.metrics import serve_metrics
from trainer.lock import TrainerBusy
from trainer.loop import lock_for, run_cycle
from trainer.modelstore import ModelStore
from trainer.scheduler import NightlyScheduler
from trainer.settings import TrainerSettings
from trainer.state import TrainerState
from trainer.telemetry import bind_host_metrics, publish_all


def scrape() -> dict[str, dict]:
    server, _ = serve_metrics(0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        body = urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/metrics").read().decode()
    finally:
        server.shutdown()
        server.server_close()
    return {f.name: {(s.name, tuple(sorted(s.labels.items()))): s.value for s in f.samples}
            for f in text_string_to_metric_families(body)}


def test_named_metrics_are_served_with_trainer_values(private_home, tmp_path):
    paths = app_paths(private_home)
    state = TrainerState(paths.trainer / "state.sqlite3")
    for i, split in enumerate(["train", "train", "val", "eval"]):
        state.add_image(f"{i:064x}", source="folder", origin="x", style="animated", split=split, instances=1,
                        teacher="u2net")
    model = tmp_path / "m.onnx"
    model.write_bytes(b"stand-in model file")
    store = ModelStore(paths)
    store.promote("yolo_animated", model, meta={"miou": 0.5})
    store.promote("yolo_animated", model, meta={"miou": 0.625})
    publish_all(store, state)
    assert bind_host_metrics(paths.data)
    sched = NightlyScheduler(paths, Settings(nightly_time="04:30"))
    assert lock_for(paths).acquire()
    try:
        with pytest.raises(TrainerBusy):
            run_cycle(paths, TrainerSettings())
    finally:
        lock_for(paths).release()

    m = scrape()
    for name in NAMED:
        assert name in m, name
    assert m["stickerstudio_champion_version"][("stickerstudio_champion_version", (("model", "yolo_animated"),))] == 2
    assert m["stickerstudio_champion_miou"][("stickerstudio_champion_miou", (("model", "yolo_animated"),))] == 0.625
    images = m["stickerstudio_dataset_images"]
    assert images[("stickerstudio_dataset_images", (("split", "train"), ("style", "animated")))] == 2
    assert images[("stickerstudio_dataset_images", (("split", "eval"), ("style", "animated")))] == 1
    refused = m["stickerstudio_training_runs"][("stickerstudio_training_runs_total", (("outcome", "refused"),))]
    assert refused >= 1
    nxt = m["stickerstudio_scheduler_next_run_timestamp_seconds"][
        ("stickerstudio_scheduler_next_run_timestamp_seconds", ())]
    assert datetime.fromtimestamp(nxt) == sched.next_run
    host = {k: list(v.values())[0] for k, v in m.items() if k.startswith("stickerstudio_host_")}
    assert 0 < host["stickerstudio_host_memory_percent"] <= 100
    assert 0 < host["stickerstudio_host_disk_percent"] <= 100
    assert host["stickerstudio_host_memory_used_bytes"] > 0 and host["stickerstudio_host_disk_free_bytes"] > 0
