"""Edge refinement: soft alpha that hugs the edge, and no background colour in it."""

from __future__ import annotations

import cv2
import numpy as np

from stickerstudio_desktop.engine.refine import estimate_foreground, refine, sharpen_alpha


def disc_scene(bg=(0, 255, 0), fg=(220, 40, 40), size=256, radius=70):
    """A red disc on green with an anti-aliased edge, and a blurry, shifted model mask."""
    yy, xx = np.mgrid[:size, :size]
    d = np.hypot(xx - size / 2, yy - size / 2)
    true_alpha = np.clip(radius + 0.5 - d, 0, 1)
    img = (true_alpha[..., None] * np.array(fg) + (1 - true_alpha[..., None]) * np.array(bg)).astype(np.uint8)
    coarse = cv2.resize(cv2.resize(true_alpha.astype(np.float32), (20, 20), interpolation=cv2.INTER_AREA),
                        (size, size), interpolation=cv2.INTER_LINEAR)
    return img, true_alpha, coarse


def test_refined_alpha_is_closer_to_truth_than_the_coarse_mask():
    img, truth, coarse = disc_scene()
    rgba = refine(img, coarse, model_scale=256 / 20)
    alpha = rgba[..., 3] / 255.0
    err_coarse = np.abs(coarse - truth).mean()
    err_refined = np.abs(alpha - truth).mean()
    assert err_refined < 0.5 * err_coarse


def test_no_green_halo_on_semi_transparent_edge_pixels():
    img, truth, coarse = disc_scene()
    rgba = refine(img, coarse, model_scale=256 / 20)
    edge = (rgba[..., 3] > 10) & (rgba[..., 3] < 245)
    assert edge.sum() > 50
    r, g = rgba[..., 0][edge].astype(int), rgba[..., 1][edge].astype(int)
    # Naive cut-outs keep the mixed (brownish-green) colour; decontaminated edges stay red.
    assert np.median(g) < 80 and np.median(r) > 150
    naive_g = img[..., 1][edge]
    assert np.median(naive_g) > np.median(g) + 40


def test_foreground_estimate_leaves_opaque_pixels_alone():
    img, truth, _ = disc_scene()
    f = estimate_foreground(img.astype(np.float32) / 255, truth.astype(np.float32))
    inside = truth == 1
    assert np.abs(f[inside] - img[inside] / 255.0).max() < 1e-4


def test_sharpen_alpha_endpoints():
    a = np.linspace(0, 1, 11, dtype=np.float32)
    np.testing.assert_allclose(sharpen_alpha(a, 1.0), a, atol=1e-6)
    assert set(np.unique(sharpen_alpha(a, 0.001))) <= {0.0, 0.5, 1.0}


def test_empty_mask_gives_a_fully_transparent_cutout():
    img, _, _ = disc_scene()
    assert refine(img, np.zeros(img.shape[:2], np.float32)).max() == 0
