"""Clicks fix a cut-out: add the part under a point, remove a region, grow along the photo's edges."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from stickerstudio_desktop.engine.prompts import REACH, Click, apply_clicks
from stickerstudio_desktop.engine.types import Instance
from stickerstudio_desktop.errors import ConfigError


def _scene():
    """A grey photo with a red disc (instance 0), a blue square (instance 1) and a green bar no model found."""
    rgb = np.full((200, 300, 3), 128, np.uint8)
    cv2.circle(rgb, (80, 100), 40, (220, 30, 30), -1)
    cv2.rectangle(rgb, (180, 60), (260, 140), (30, 30, 220), -1)
    cv2.rectangle(rgb, (20, 170), (280, 190), (30, 200, 30), -1)
    insts = []
    for colour in ((220, 30, 30), (30, 30, 220)):
        m = np.all(rgb == colour, axis=2).astype(np.float32)
        ys, xs = np.nonzero(m)
        insts.append(Instance(box=(xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), score=0.9, class_id=0,
                              class_name="subject", mask=m))
    return rgb, insts


def test_a_click_on_a_found_part_adds_it_and_a_click_on_a_piece_removes_it():
    rgb, insts = _scene()
    disc = insts[0].mask
    both = apply_clicks(rgb, insts, disc, [Click(220, 100)])
    assert both[100, 220] == 1.0 and both[100, 80] == 1.0
    back = apply_clicks(rgb, insts, disc, [Click(220, 100), Click(220, 100, positive=False)])
    assert back[100, 220] == 0.0 and back[100, 80] == 1.0
    # Clicks where the mask is already right change nothing.
    assert np.array_equal(apply_clicks(rgb, insts, disc, [Click(80, 100), Click(5, 5, positive=False)]), disc)


def test_a_click_where_no_model_found_anything_changes_only_its_neighbourhood():
    rgb, insts = _scene()
    rgb = np.clip(rgb + np.random.default_rng(0).normal(0, 8, rgb.shape), 0, 255).astype(np.uint8)  # photo-like
    disc = insts[0].mask
    out = apply_clicks(rgb, insts, disc, [Click(150, 180)])
    assert out[180, 150] == 1.0  # the clicked point joined
    yy, xx = np.ogrid[:200, :300]
    far = (yy - 180) ** 2 + (xx - 150) ** 2 > (REACH * np.hypot(200, 300)) ** 2
    assert np.array_equal(out[far], disc[far])  # a click is a local fix: the disc and the rest untouched
    grey = np.abs(rgb.astype(int) - 128).max(axis=2) < 40
    assert (out[grey & ~far] >= 0.5).mean() < 0.05  # the grey background near the click stayed out


def test_a_point_outside_the_image_is_one_sentence():
    rgb, insts = _scene()
    with pytest.raises(ConfigError, match=r"The point 300,10 is outside the image \(300×200 pixels\)"):
        apply_clicks(rgb, insts, insts[0].mask, [Click(300, 10)])
