"""Every bundled student, through the app's engine, on the committed eval sample of its style.

The sample (``tests/data/student_eval``, built by ``python -m trainer.students.sample``)
holds held-out composites from redistributable sources with exact masks. A bundled
student must be no worse than the app's fallback, U²-Netp, on the same images by
more than the publishing tolerance: the promise ``trainer.students.publish`` made.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from test_loop_support import ROOT

from stickerstudio_desktop.engine.manifest import load_manifest, sha256_file
from stickerstudio_desktop.engine.pipeline import SALIENT_DEFAULT
from trainer.evaluate import predicted_mask
from trainer.routing import model_name
from trainer.scoring import iou
from trainer.students.data import STYLES, StudentData
from trainer.students.publish import TOLERANCE

SAMPLE = ROOT / "tests" / "data" / "student_eval"
MANIFEST = load_manifest()
BUNDLED = [s for s in STYLES if MANIFEST.get(model_name(s)).bundled]


def _mean_iou(segmenter, items) -> float:
    scores = []
    for image, mask in items:
        rgb = np.asarray(Image.open(image).convert("RGB"))
        truth = np.asarray(Image.open(mask)) > 127
        scores.append(iou(predicted_mask(segmenter, rgb), truth))
    return float(np.mean(scores))


def test_the_committed_sample_has_exact_masks_for_every_image():
    items = StudentData(SAMPLE / "animated", "animated").test_items()
    assert len(items) >= 20
    for image, mask in items:
        assert mask.is_file(), image.name
        assert Image.open(image).size == Image.open(mask).size
        m = np.asarray(Image.open(mask))
        assert set(np.unique(m)) <= {0, 255} and 0 < (m > 0).mean() < 0.9, image.name


@pytest.mark.parametrize("style", BUNDLED)
def test_bundled_student_file_matches_its_manifest_entry(style):
    spec = MANIFEST.get(model_name(style))
    assert sha256_file(MANIFEST.bundled_path(spec)) == spec.sha256
    assert spec.extra["metrics"]["held_out_composites"]["miou"] > 0


@pytest.mark.parametrize("style", [s for s in BUNDLED if (SAMPLE / s).is_dir()])
def test_bundled_student_is_no_worse_than_the_fallback_on_the_committed_sample(style, shared_pipeline):
    items = StudentData(SAMPLE / style, style).test_items()
    student = shared_pipeline.yolo(style)
    assert student is not None
    student_iou = _mean_iou(student, items)
    fallback_iou = _mean_iou(shared_pipeline.salient(SALIENT_DEFAULT), items)
    assert student_iou >= fallback_iou - TOLERANCE, (student_iou, fallback_iou)
    assert student_iou >= 0.75, student_iou
