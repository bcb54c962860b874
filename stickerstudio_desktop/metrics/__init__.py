"""Prometheus metrics: one registry, named once, served on 127.0.0.1 only."""

from .registry import METRICS, REGISTRY, serve_metrics

__all__ = ["METRICS", "REGISTRY", "serve_metrics"]
