"""The brush on real photos: a stroke paints exactly its pixels; the edge-aware one stops at the subject's edge."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from stickerstudio_desktop.engine.brush import Stroke, apply_strokes, coverage
from stickerstudio_desktop.errors import ConfigError
from tests.conftest import SAMPLES, TEST_DATA


@pytest.fixture(scope="module")
def cat(shared_pipeline):
    a = shared_pipeline.analyse(SAMPLES / "chelsea.jpg")
    return a.rgb, np.asarray(shared_pipeline.cutout(a).image)


def _band(shape, points, radius):
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    d = np.full(shape, np.inf)
    for (ax, ay), (bx, by) in zip(points[:-1], points[1:]):
        v = np.array([bx - ax, by - ay], float)
        t = np.clip(((xx - ax) * v[0] + (yy - ay) * v[1]) / (v @ v), 0, 1)
        d = np.minimum(d, np.hypot(xx - ax - t * v[0], yy - ay - t * v[1]))
    return d <= radius


def test_a_hard_erase_clears_exactly_the_pixels_under_the_stroke(cat):
    rgb, cut = cat
    points = ((120.0, 90.0), (260.0, 150.0), (300.0, 220.0))
    out = apply_strokes(rgb, cut, [Stroke("erase", points, size=30)])
    band = _band(cut.shape[:2], points, 15)
    assert (out[band, 3] == 0).all()
    assert np.array_equal(out[~band], cut[~band])  # not one pixel outside the stroke changed
    assert (cut[band, 3] > 0).sum() > 1000  # and the stroke did cross the cat


def test_a_restore_brings_back_the_photo_exactly_under_the_stroke(cat):
    rgb, cut = cat
    erased = apply_strokes(rgb, cut, [Stroke("erase", ((200.0, 150.0), (220.0, 160.0)), size=80)])
    points = ((10.0, 10.0), (60.0, 40.0))
    out = apply_strokes(rgb, erased, [Stroke("restore", points, size=16)])
    band = _band(cut.shape[:2], points, 8)
    assert (out[band, 3] == 255).all() and np.array_equal(out[band, :3], rgb[band])
    assert np.array_equal(out[~band], erased[~band])


def test_softness_fades_the_stroke_from_its_centre_line(cat):
    rgb, _ = cat
    c = coverage(rgb, Stroke("erase", ((200.0, 150.0),), size=40, softness=1.0))
    assert c[150, 200] > 0.9 and 0 < c[150, 210] < c[150, 205] < c[150, 200]
    assert c[150, 221] == 0 and c[150, 179] == 0


def test_the_edge_aware_brush_stays_on_its_side_of_the_subjects_edge(shared_pipeline):
    """Centre on the background half a radius from the subject: the plain brush eats the subject, this one not."""
    for photo in (SAMPLES / "chelsea.jpg", TEST_DATA / "flower.jpg", SAMPLES / "coffee.jpg"):
        a = shared_pipeline.analyse(photo)
        subject = np.asarray(shared_pipeline.cutout(a).image)[..., 3] >= 128
        away = cv2.distanceTransform((~subject).astype(np.uint8), cv2.DIST_L2, 5)
        ys, xs = np.nonzero((away > 5.5) & (away < 6.5))
        hit, erased = [], []
        for k in np.random.default_rng(0).choice(len(ys), 12, replace=False):
            centre = ((float(xs[k]), float(ys[k])),)
            plain = coverage(a.rgb, Stroke("erase", centre, size=24)) > 0
            snapped = coverage(a.rgb, Stroke("erase", centre, size=24, edge_aware=True)) > 0
            assert not (snapped & ~plain).any()  # never outside the stroke
            hit.append((snapped & plain & subject).sum() / (plain & subject).sum())
            erased.append((snapped & ~subject).sum() / (plain & ~subject).sum())
        assert np.mean(hit) < 0.3, photo.name  # the plain brush takes all of it
        assert np.mean(erased) > 0.4, photo.name  # and it still erases the background it was put on


def test_a_bad_stroke_is_one_sentence(cat):
    rgb, cut = cat
    for stroke, msg in ((Stroke("smudge", ((1.0, 1.0),)), "erases or restores"),
                        (Stroke("erase", ((1.0, 1.0),), size=0), "Brush size"),
                        (Stroke("erase", ((1.0, 1.0),), softness=2), "softness"),
                        (Stroke("erase", ()), "at least one point"),
                        (Stroke("erase", ((float("nan"), 1.0),)), "pairs of numbers")):
        with pytest.raises(ConfigError, match=msg):
            apply_strokes(rgb, cut, [stroke])


def test_strokes_painted_one_at_a_time_give_the_pixels_of_one_call(cat):
    rgb, cut = cat
    strokes = [Stroke("erase", ((100.0, 100.0), (300.0, 200.0)), size=50, softness=0.7),
               Stroke("restore", ((150.0, 120.0), (250.0, 180.0)), size=30, softness=0.5, edge_aware=True),
               Stroke("erase", ((200.0, 60.0),), size=20, softness=0.2)]
    stepwise = cut
    for s in strokes:
        stepwise = apply_strokes(rgb, stepwise, [s])
    assert np.array_equal(stepwise, apply_strokes(rgb, cut, strokes))
