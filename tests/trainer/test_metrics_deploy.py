"""The shipped Prometheus config and Grafana dashboard refer only to metrics we export."""

from __future__ import annotations

import json
import re

import yaml
from test_loop_support import NAMED, ROOT

from stickerstudio_desktop.config.settings import Settings
from stickerstudio_desktop.metrics import REGISTRY


def exported() -> set[str]:
    names = set()
    for family in REGISTRY.collect():
        names |= {s.name for s in family.samples} | {family.name}
    return names


def test_dashboard_queries_only_exported_metrics():
    dash = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    used = {m for e in exprs for m in re.findall(r"stickerstudio_\w+", e)}
    have = exported() | {n + suffix for n in exported() for suffix in ("_total", "_bucket")}
    assert used and used <= have, used - have
    # Every metric the issue names has a panel.
    shown = {re.sub(r"_(total|bucket)$", "", m) for m in used}
    assert set(NAMED) <= shown, set(NAMED) - shown


def test_prometheus_scrapes_the_default_metrics_port_on_loopback():
    cfg = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    (job,) = cfg["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["static_configs"][0]["targets"] == [f"127.0.0.1:{Settings().metrics_port}"]
