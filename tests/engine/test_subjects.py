"""auto keeps the whole subject: every sizeable part next to the main one, nothing far away."""

from __future__ import annotations

import numpy as np
import pytest

from stickerstudio_desktop.engine.subjects import PART_MAX_GAP, PART_MIN_AREA, box_gap, choose
from stickerstudio_desktop.engine.types import Instance
from stickerstudio_desktop.errors import ConfigError

SHAPE = (400, 400)


def _inst(x1, y1, x2, y2, score=0.9) -> Instance:
    mask = np.zeros(SHAPE, np.float32)
    mask[y1:y2, x1:x2] = 1.0
    return Instance(box=(x1, y1, x2, y2), score=score, class_id=0, class_name="subject", mask=mask)


def test_box_gap():
    assert box_gap((0, 0, 10, 10), (5, 5, 20, 20)) == 0
    assert box_gap((0, 0, 10, 10), (13, 14, 20, 20)) == pytest.approx(5.0)


def test_a_hat_above_the_face_joins_and_a_far_rose_stays_out():
    face = _inst(150, 150, 250, 300)
    hat = _inst(140, 100, 260, 148)  # 2 px above the face, 58 % of its area
    rose = _inst(0, 0, 60, 60)  # far in the corner
    assert choose([rose, hat, face], "auto", SHAPE) == [1, 2]


def test_parts_join_through_each_other_but_specks_do_not():
    body = _inst(150, 100, 250, 220)
    legs = _inst(160, 222, 240, 320)  # next to the body
    boots = _inst(165, 322, 235, 380)  # next to the legs only, far below the body
    speck = _inst(252, 200, 256, 204)  # beside the body, far below PART_MIN_AREA of it
    assert speck.area < PART_MIN_AREA * body.area
    assert choose([body, legs, boots, speck], "auto", SHAPE) == [0, 1, 2]


def test_a_part_just_beyond_the_reach_stays_out():
    reach = PART_MAX_GAP * np.hypot(*SHAPE)
    main = _inst(100, 100, 200, 300)
    near = _inst(200 + int(reach) - 1, 100, 240 + int(reach), 300)  # 40 % of the main part: a part, no peer
    far = _inst(200 + int(reach) + 2, 100, 243 + int(reach), 300)
    assert choose([main, near], "auto", SHAPE) == [0, 1]
    assert choose([main, far], "auto", SHAPE) == [0]


def test_explicit_selections_are_unchanged():
    a, b = _inst(0, 0, 10, 10), _inst(300, 300, 390, 390)
    assert choose([a, b], "all", SHAPE) == [0, 1]
    assert choose([a, b], [1], SHAPE) == [1]
    assert choose([], "auto", SHAPE) == []
    with pytest.raises(ConfigError, match="does not exist"):
        choose([a], [3], SHAPE)


def test_two_people_apart_are_both_the_subject():
    left, right = _inst(20, 100, 120, 390), _inst(280, 120, 380, 390)  # far apart, about the same size
    small = _inst(180, 10, 220, 40)  # far and small: stays out
    assert choose([left, right, small], "auto", SHAPE) == [0, 1]
