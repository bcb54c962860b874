"""The bundled style classifier, run exactly as the app runs it (ONNX through the engine).

Checks the file against the manifest, the input/output contract, the
accuracy on the committed, redistributable eval sample (tests/data/style_eval,
sources held out of training; see its LICENSES.md), and the held-out router
test the build recorded (re-scored here when the held-out sources are fetched).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.engine.manifest import load_manifest, sha256_file
from stickerstudio_desktop.engine.pipeline import CLASSIFIER, Pipeline
from stickerstudio_desktop.imaging import load_image
from trainer.data.artsources import REALGT
from trainer.data.fetch import DEFAULT_ROOT as DEFAULT_SOURCES

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "tests" / "data" / "style_eval"
# Floors under the shipped model's held-out numbers (docs/data-card.md), so a rebuild cannot quietly
# regress; the product targets (95 % illustrations, 90 % AI-painterly) are above them and not yet met.
ILLUSTRATIONS_MIN = 0.85  # held-out illustration sources together
AI_PAINTERLY_MIN = 0.80  # held-out AI-generated Ghibli-style pictures


def _rows() -> list[dict]:
    with open(EVAL / "labels.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _rgb(path: Path) -> np.ndarray:
    return np.asarray(load_image(path.read_bytes(), name=path.name).convert("RGB"))


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    return Pipeline(paths=app_paths(tmp_path_factory.mktemp("home")), manifest=load_manifest())


def test_manifest_entry_describes_the_committed_file():
    manifest = load_manifest()
    spec = manifest.get(CLASSIFIER)
    path = manifest.bundled_path(spec)
    assert spec.kind == "classifier" and not spec.fetched
    assert sha256_file(path) == spec.sha256
    assert sorted(spec.class_names) == ["animated", "normal"]
    assert spec.input.resize == "stretch" and spec.input.size == (224, 224)
    for key in ("metrics", "training_data", "created", "command"):
        assert spec.extra.get(key), key
    assert spec.extra["metrics"]["test"]["accuracy"] >= 0.95  # the test split holds painted portraits too
    assert path.stat().st_size < 20 * 1024 * 1024


def test_input_and_output_contract(pipeline):
    clf = pipeline.classifier()
    assert clf is not None, "the style classifier is not installed"
    h, w = clf.spec.input.size
    (inp,), (out,) = clf.session.get_inputs(), clf.session.get_outputs()
    assert inp.shape == [1, 3, h, w] and inp.type == "tensor(float)"
    assert out.shape == [1, len(clf.spec.class_names)]
    result = pipeline.classify_rgb(_rgb(ROOT / "resources" / "samples" / "coffee.jpg"))
    assert result.style in clf.spec.class_names and 0.5 <= result.score <= 1.0
    assert result.model == f"{CLASSIFIER}@{clf.spec.version}"


def test_eval_sample_is_small_labelled_and_licensed():
    rows = _rows()
    files = sorted(p.name for p in EVAL.glob("*.jpg"))
    assert sorted(r["file"] for r in rows) == files
    assert len(rows) >= 40
    styles = [r["style"] for r in rows]
    assert styles.count("animated") >= 15 and styles.count("normal") >= 15
    assert sum((EVAL / f).stat().st_size for f in files) < 4 * 1024 * 1024
    licences = (EVAL / "LICENSES.md").read_text(encoding="utf-8")
    assert all(f"`{f}`" in licences for f in files)
    assert all(("CC0" in r["licence"]) or ("public domain" in r["licence"]) or ("OFL" in r["licence"])
               or ("no known copyright" in r["licence"]) or ("Expat" in r["licence"]) for r in rows)


def test_accuracy_on_the_committed_eval_sample(pipeline):
    rows = _rows()
    wrong = []
    for r in rows:
        got = pipeline.classify_rgb(_rgb(EVAL / r["file"]))
        if got.style != r["style"]:
            wrong.append((r["file"], got.style, round(got.score, 2)))
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.9, f"accuracy {accuracy:.3f}; wrong: {wrong}"
    for style in ("animated", "normal"):
        n = sum(r["style"] == style for r in rows)
        missed = sum(1 for f, _, _ in wrong if next(r for r in rows if r["file"] == f)["style"] == style)
        assert missed / n <= 0.2, f"{style}: {missed}/{n} wrong"


def test_the_app_sample_photos_are_normal(pipeline):
    photos = sorted((ROOT / "resources" / "samples").glob("*.jpg"))
    assert photos
    styles = {p.name: pipeline.classify_rgb(_rgb(p)).style for p in photos}
    assert list(styles.values()).count("normal") >= len(photos) - 1, styles


def test_publishing_rewrites_only_the_classifier_entry_and_section(tmp_path):
    from trainer.classifier.publish import BEGIN, END, NAME, update_data_card
    from trainer.manifest_writer import update_manifest

    original = (ROOT / "models" / "manifest.json").read_text(encoding="utf-8")
    (tmp_path / "manifest.json").write_text(original, encoding="utf-8")
    entry = {"kind": "classifier", "file": "x.onnx", "sha256": "ab" * 32, "class_names": ["animated", "normal"],
             "input": {"size": [224, 224]}, "metrics": {"test": {"accuracy": 0.5}}}
    update_manifest(tmp_path, NAME, entry)
    text = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    cut = original.index('"style_classifier"')
    assert text[:cut] == original[:cut]
    assert load_manifest(tmp_path).get(CLASSIFIER).sha256 == "ab" * 32

    card = tmp_path / "card.md"
    card.write_text("# Card\n\nkept above\n", encoding="utf-8")
    update_data_card(card, "first")
    card.write_text(card.read_text(encoding="utf-8") + "\nkept below\n", encoding="utf-8")
    update_data_card(card, "second")
    result = card.read_text(encoding="utf-8")
    assert "kept above" in result and "kept below" in result and "first" not in result
    assert result.count(BEGIN) == 1 and f"{BEGIN}\nsecond\n{END}" in result


def test_manifest_records_the_heldout_router_test():
    """The build scores whole sources no model trained on; the shipped model must clear the targets."""
    metrics = load_manifest().get(CLASSIFIER).extra["metrics"]["heldout"]
    for source in ("ai-ghibli", "flare-portraits", "thequestion", "realgt-eval", "illustrations"):
        assert metrics[source]["n"] >= 8, source
    assert metrics["realgt-eval"]["n"] == 146 and metrics["realgt-eval"]["style"] == "normal"
    assert metrics["illustrations"]["accuracy"] >= ILLUSTRATIONS_MIN
    assert metrics["ai-ghibli"]["accuracy"] >= AI_PAINTERLY_MIN
    assert metrics["realgt-eval"]["accuracy"] >= 0.95


@pytest.mark.skipif(not (DEFAULT_SOURCES / "flare-game" / ".done").exists() or not (REALGT / "manifest.csv").exists(),
                    reason="held-out sources not fetched (python -m trainer.data.fetch) or ../shared/realgt absent")
def test_heldout_numbers_in_the_manifest_are_the_bundled_models(pipeline):
    """Re-score the bundled ONNX on the held-out sources: the manifest's numbers must be this model's."""
    from trainer.classifier.heldout import evaluate_heldout
    from trainer.data.artsources import heldout

    recorded = load_manifest().get(CLASSIFIER).extra["metrics"]["heldout"]
    items = heldout(DEFAULT_SOURCES)
    fresh = evaluate_heldout(pipeline.classifier(), items)
    for source, r in fresh.items():
        if source in recorded and recorded[source]["n"] == r["n"]:
            assert r["accuracy"] == pytest.approx(recorded[source]["accuracy"], abs=1e-4), source
    assert fresh["realgt-eval"]["accuracy"] >= 0.95
