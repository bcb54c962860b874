"""Arranging a sticker: the subject moves, scales and turns on the canvas; the caption moves on its own."""

from __future__ import annotations

import numpy as np
import pytest

from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.sticker.compose import Placement, StickerStyle, add_caption, build_base


def _box(image, rows=None):
    alpha = np.asarray(image)[..., 3]
    ys, xs = np.nonzero(alpha[:rows] > 16)
    return xs.min(), xs.max(), ys.min(), ys.max()


def test_the_subject_moves_scales_and_rotates_and_its_outline_follows(photo_cutout):
    base = build_base(photo_cutout, outline_px=8, size=512)
    x0, x1, y0, y1 = _box(base.layer(None))
    mx0, mx1, my0, my1 = _box(base.layer(None, Placement(dx=-0.1, dy=0.05)))
    assert abs(mx0 - (x0 - 51)) <= 1 and abs(my1 - min(511, y1 + 26)) <= 1
    sx0, sx1, _, _ = _box(base.layer(None, Placement(scale=0.5)))
    assert abs((sx1 - sx0) - (x1 - x0) / 2) <= 8  # the outline ring does not scale with it
    turned = base.layer(None, Placement(scale=0.6, rotation=90))
    tx0, tx1, ty0, ty1 = _box(turned)
    assert abs((tx1 - tx0) - 0.6 * (y1 - y0)) <= 10 and abs((ty1 - ty0) - 0.6 * (x1 - x0)) <= 10
    alpha = np.asarray(turned)[..., 3]
    assert (alpha == 255).sum() > 0 and (np.asarray(turned)[..., :3][alpha == 255] == 255).all(axis=1).any()


def test_a_caption_move_reuses_the_subject_layer_and_moves_only_the_text(photo_cutout):
    base = build_base(photo_cutout, outline_px=8, size=512)
    style = StickerStyle(caption="Moved")
    still = np.asarray(add_caption(base, style))
    layer = base.layer("bottom")
    moved = np.asarray(add_caption(base, style, Placement(caption_dy=-0.3)))
    assert base.layer("bottom", Placement(caption_dy=-0.3)) is layer
    band = slice(512 - 128, 512)
    assert (np.asarray(layer)[band, :, 3] == moved[band, :, 3]).all()  # the text left its band
    assert not (still[band] == moved[band]).all()


@pytest.mark.parametrize("placement, words", [
    (Placement(dx=2), "within one canvas side"), (Placement(scale=0), "scale must be"),
    (Placement(rotation=float("nan")), "rotation"), (Placement(caption_dy=True), "within one canvas side"),
])
def test_a_bad_placement_is_one_sentence(photo_cutout, placement, words):
    with pytest.raises(ConfigError, match=words):
        add_caption(build_base(photo_cutout, size=128), StickerStyle(), placement)
