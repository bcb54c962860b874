"""Measure the exported classifier exactly as the app runs it (no torch).

Images are read by the app's loader and classified by the engine's
``StyleClassifier`` with the manifest's contract; latency is the p50 of
``classify`` (resize + normalise + onnxruntime) and of the session alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from stickerstudio_desktop.engine.classifier import StyleClassifier
from stickerstudio_desktop.engine.manifest import ModelSpec
from stickerstudio_desktop.engine.preprocess import to_tensor
from stickerstudio_desktop.imaging import load_image


@dataclass
class Evaluation:
    n: int
    accuracy: float
    confusion: list[list[int]]  # rows: true class, columns: predicted (manifest class order)
    classes: tuple[str, ...]
    errors: list[tuple[str, str, float]] = field(default_factory=list)  # (file, predicted, score)
    predictions: list[str] = field(default_factory=list)  # predicted style per item, in input order

    def as_dict(self) -> dict:
        return {"n": self.n, "accuracy": round(self.accuracy, 4),
                "confusion": {"rows_true_cols_predicted": list(self.classes), "matrix": self.confusion}}


def read_rgb(path: Path) -> np.ndarray:
    """Pixels as the app sees them: loaded by the app's loader, alpha flattened onto white."""
    img = load_image(Path(path).read_bytes(), name=Path(path).name)
    if img.mode == "RGBA":
        arr = np.asarray(img).astype(np.float32)
        a = arr[..., 3:4] / 255
        return (arr[..., :3] * a + 255 * (1 - a)).astype(np.uint8)
    return np.asarray(img.convert("RGB"))


def evaluate(clf: StyleClassifier, items: Sequence[tuple[Path, str]]) -> Evaluation:
    classes = clf.spec.class_names
    conf = np.zeros((len(classes), len(classes)), np.int64)
    errors, predictions = [], []
    for path, truth in items:
        result = clf.classify(read_rgb(path))
        predictions.append(result.style)
        conf[classes.index(truth), classes.index(result.style)] += 1
        if result.style != truth:
            errors.append((Path(path).name, result.style, round(result.score, 3)))
    n = int(conf.sum())
    return Evaluation(n=n, accuracy=float(np.trace(conf) / max(n, 1)), confusion=conf.tolist(),
                      classes=classes, errors=errors, predictions=predictions)


def latency(clf: StyleClassifier, rgb: np.ndarray, runs: int = 200, warmup: int = 20) -> dict[str, float]:
    """p50/p90 milliseconds of a full ``classify`` call and of the bare session run."""
    x = to_tensor(rgb, clf.spec.input)
    name = clf.session.get_inputs()[0].name
    full, model = [], []
    for i in range(warmup + runs):
        t0 = time.perf_counter()
        clf.classify(rgb)
        t1 = time.perf_counter()
        clf.session.run(None, {name: x})
        t2 = time.perf_counter()
        if i >= warmup:
            full.append(t1 - t0)
            model.append(t2 - t1)
    return {"classify_p50_ms": round(float(np.median(full)) * 1000, 2),
            "classify_p90_ms": round(float(np.percentile(full, 90)) * 1000, 2),
            "model_p50_ms": round(float(np.median(model)) * 1000, 2),
            "input": f"{rgb.shape[1]}x{rgb.shape[0]} RGB"}


def spec_session(spec: ModelSpec, path: Path):
    """A CPU onnxruntime session like the app's SessionPool makes."""
    from stickerstudio_desktop.engine.sessions import SessionPool

    return SessionPool(providers=["CPUExecutionProvider"]).get(path)
