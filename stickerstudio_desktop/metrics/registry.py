"""Every metric the app and trainer export, defined in one place."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

REGISTRY = CollectorRegistry(auto_describe=True)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class _Metrics:
    stage_seconds: Histogram
    stickers_made: Counter
    errors: Counter
    generation_requests: Counter
    generation_seconds: Histogram
    # continuous learning (trainer/)
    training_runs: Counter
    training_last_duration: Gauge
    training_last_finished: Gauge
    dataset_images: Gauge
    images_scraped: Counter
    images_skipped: Counter
    champion_version: Gauge
    champion_miou: Gauge
    scheduler_next_run: Gauge
    # host, as the original exporter reported it (psutil; bound by trainer.telemetry)
    host_cpu_percent: Gauge
    host_memory_percent: Gauge
    host_memory_used_bytes: Gauge
    host_disk_percent: Gauge
    host_disk_free_bytes: Gauge


METRICS = _Metrics(
    stage_seconds=Histogram(
        "stickerstudio_stage_seconds", "Pipeline stage latency.", ["stage", "model"],
        registry=REGISTRY, buckets=_LATENCY_BUCKETS),
    stickers_made=Counter(
        "stickerstudio_stickers_made", "Stickers exported.", ["preset"], registry=REGISTRY),
    errors=Counter(
        "stickerstudio_errors", "Errors by kind.", ["kind"], registry=REGISTRY),
    generation_requests=Counter(
        "stickerstudio_generation_requests", "Text-to-image requests.",
        ["provider", "outcome"], registry=REGISTRY),
    generation_seconds=Histogram(
        "stickerstudio_generation_seconds", "Text-to-image latency.", ["provider"],
        registry=REGISTRY, buckets=_LATENCY_BUCKETS),
    training_runs=Counter(
        "stickerstudio_training_runs", "Training runs by outcome.", ["outcome"], registry=REGISTRY),
    training_last_duration=Gauge(
        "stickerstudio_training_last_run_seconds", "Wall time of the last training run.", registry=REGISTRY),
    training_last_finished=Gauge(
        "stickerstudio_training_last_run_timestamp_seconds", "When the last training run ended (Unix time).",
        registry=REGISTRY),
    dataset_images=Gauge(
        "stickerstudio_dataset_images", "Labelled images by style and split.", ["style", "split"],
        registry=REGISTRY),
    images_scraped=Counter(
        "stickerstudio_images_scraped", "Images fetched and added by source.", ["source"], registry=REGISTRY),
    images_skipped=Counter(
        "stickerstudio_images_skipped", "Images skipped by source and reason.", ["source", "reason"],
        registry=REGISTRY),
    champion_version=Gauge(
        "stickerstudio_champion_version", "Version number of the promoted model.", ["model"], registry=REGISTRY),
    champion_miou=Gauge(
        "stickerstudio_champion_miou", "Mean IoU of the promoted model on the evaluation set.", ["model"],
        registry=REGISTRY),
    scheduler_next_run=Gauge(
        "stickerstudio_scheduler_next_run_timestamp_seconds", "Next scheduled training run (Unix time, 0 = none).",
        registry=REGISTRY),
    host_cpu_percent=Gauge("stickerstudio_host_cpu_percent", "Host CPU use.", registry=REGISTRY),
    host_memory_percent=Gauge("stickerstudio_host_memory_percent", "Host memory use.", registry=REGISTRY),
    host_memory_used_bytes=Gauge("stickerstudio_host_memory_used_bytes", "Host memory in use.", registry=REGISTRY),
    host_disk_percent=Gauge("stickerstudio_host_disk_percent", "Use of the disk holding the data dir.",
                            registry=REGISTRY),
    host_disk_free_bytes=Gauge("stickerstudio_host_disk_free_bytes", "Free space on the disk holding the data dir.",
                               registry=REGISTRY),
)


def serve_metrics(port: int, addr: str = "127.0.0.1"):
    """Serve /metrics on loopback only; returns (server, thread)."""
    return start_http_server(port, addr=addr, registry=REGISTRY)
