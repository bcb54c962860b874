"""The cascade: U²-Netp's cut-out stands unless it is unsure; then U²-Net cuts the image."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stickerstudio_desktop.config.paths import ROOT_DIR, app_paths, bundled
from stickerstudio_desktop.engine.cascade import MEASURES, doubts, unsure
from stickerstudio_desktop.engine.manifest import load_manifest
from stickerstudio_desktop.engine.pipeline import Pipeline
from stickerstudio_desktop.engine.types import Instance, StyleResult
from stickerstudio_desktop.errors import ModelError


def _part(mask: np.ndarray) -> Instance:
    ys, xs = np.nonzero(mask >= 0.5)
    return Instance((float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)), 0.9, 0,
                    "subject", mask.astype(np.float32))


def test_doubts_grow_with_a_blurry_split_map_and_an_unsure_classifier():
    crisp = np.zeros((100, 100), np.float32)
    crisp[20:80, 20:80] = 1.0
    sure = doubts([_part(crisp)], [0], crisp.shape, StyleResult("normal", 0.99, "c"))
    assert sure == {"soft": 0.0, "parts": 1.0, "left_out": 0.0,
                    "empty": pytest.approx(0.64), "style": pytest.approx(0.01)}
    blurry = crisp.copy()
    blurry[10:20, 20:80] = 0.4  # a soft band beside the subject
    second = np.zeros_like(crisp)
    second[85:95, 85:95] = 0.7  # a part the whole-subject rule leaves out
    measured = doubts([_part(blurry), _part(second)], [0], crisp.shape, StyleResult("normal", 0.6, "c"))
    assert measured["soft"] == pytest.approx((600 + 100) / 3700) and measured["parts"] == 2.0
    assert measured["left_out"] == pytest.approx(100 / 3700) and measured["style"] == pytest.approx(0.4)
    assert set(measured) == set(MEASURES)
    assert unsure(measured, {"soft": 0.1, "parts": 3}) == ["soft 0.19 > 0.1"]
    assert unsure(sure, {"soft": 0.1, "parts": 3}) == []
    assert doubts([], [], crisp.shape, None)["empty"] == 1.0  # nothing found: as unsure as can be


def _manifest(tmp_path, routing, cascade):
    """The bundled manifest with *routing* and *cascade*, beside links to the bundled files."""
    models = tmp_path / "models"
    models.mkdir(parents=True)
    raw = json.loads((bundled("models") / "manifest.json").read_text())
    raw["routing"] = routing
    raw.pop("cascade", None)
    if cascade is not None:
        raw["cascade"] = cascade
    for entry in raw["models"].values():
        if (bundled("models") / entry["file"]).is_file():
            (models / entry["file"]).symlink_to(bundled("models") / entry["file"])
    (models / "manifest.json").write_text(json.dumps(raw))
    return load_manifest(models)


def test_the_cascade_keeps_the_fast_cut_out_when_sure_and_asks_the_full_model_when_not(tmp_path):
    photo = ROOT_DIR / "tests" / "data" / "rocket.jpg"
    routing = {"normal": "cascade", "animated": "cascade", "unclear": "cascade"}
    never = Pipeline(paths=app_paths(tmp_path), manifest=_manifest(
        tmp_path / "a", routing, {"fast": "u2netp", "full": "u2net", "limits": {"parts": 1000}}))
    kept = never.analyse(photo, "auto")
    assert kept.engine == "u2netp" and kept.instances and "segment" in kept.timings.stages
    always = Pipeline(paths=app_paths(tmp_path), manifest=_manifest(
        tmp_path / "b", routing, {"fast": "u2netp", "full": "u2net", "limits": {"style": -1}}))
    sent = always.analyse(photo, "auto")
    assert sent.engine == "u2net" and sent.instances and "u2netp was unsure (style" in sent.note
    assert always.analyse(photo, "u2netp").engine == "u2netp"  # asked for explicitly: no cascade


@pytest.mark.parametrize("routing, cascade", [
    ({"normal": "cascade"}, None),  # a cascade route needs a cascade
    ({"normal": "cascade"}, {"fast": "u2netp", "full": "sam2", "limits": {}}),
    ({"normal": "cascade"}, {"fast": "u2netp", "full": "u2net", "limits": {"vibes": 0.5}}),
    ({"normal": "cascade"}, {"fast": "u2netp", "full": "u2net", "limits": {"soft": "high"}}),
    ({"normal": "cascade"}, {"fast": "u2netp", "limits": {}}),
])
def test_a_bad_cascade_is_one_sentence(tmp_path, routing, cascade):
    with pytest.raises(ModelError, match="^The (routing table|cascade) in .*\\.$"):
        _manifest(tmp_path, routing, cascade)
