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
)


def serve_metrics(port: int, addr: str = "127.0.0.1"):
    """Serve /metrics on loopback only; returns (server, thread)."""
    return start_http_server(port, addr=addr, registry=REGISTRY)
