from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image
from sticker_art import border_is_clear, detailed_cutout, subject_alpha_on_canvas

from stickerstudio_desktop.errors import ConfigError, ExportError
from stickerstudio_desktop.sticker.compose import REFERENCE_SIDE, StickerStyle, add_caption, build_base, compose_sticker
from stickerstudio_desktop.sticker.fonts import list_fonts

LONG = "Me explaining to my cat why the keyboard is not a bed for the fifth time today"


def _distance_outside(subject: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Pixel distance from each canvas pixel to the nearest subject pixel above *level*."""
    inside = subject >= level
    return cv2.distanceTransform((~inside).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)


def test_square_rgba_with_transparent_corners(photo_cutout):
    sticker = compose_sticker(photo_cutout, StickerStyle(), 512)
    assert sticker.mode == "RGBA" and sticker.size == (512, 512)
    a = np.asarray(sticker.getchannel("A"))
    assert a[0, 0] == a[0, -1] == a[-1, 0] == a[-1, -1] == 0
    assert border_is_clear(sticker, width=8)


@pytest.mark.parametrize("size", [512, 1024])
def test_white_opaque_die_cut_ring_around_the_subject(photo_cutout, size):
    base = build_base(photo_cutout, outline_px=8, size=size)
    sticker = np.asarray(add_caption(base, StickerStyle())).astype(int)
    subject = subject_alpha_on_canvas(photo_cutout, base.placement(None), size)
    dist = _distance_outside(subject)
    ring_px = 8 * size / REFERENCE_SIDE
    assert base.outline_width == round(ring_px)
    just_outside = (subject == 0) & (dist >= 1.5) & (dist <= ring_px - 1.5)
    assert just_outside.sum() > 100 * size / 512
    ring = sticker[just_outside]
    assert (ring[:, 3] == 255).all()
    assert (ring[:, :3] >= 250).all()
    # past the ring and the cut-out's own soft fringe there is nothing at all
    beyond = _distance_outside(subject, 1 / 255) > ring_px + 3
    assert (sticker[beyond][:, 3] == 0).all()
    # anti-aliased: the ring edge has partly transparent pixels
    edge = (dist > ring_px - 1) & (dist < ring_px + 1)
    assert ((sticker[edge][:, 3] > 0) & (sticker[edge][:, 3] < 255)).any()


def test_no_outline_leaves_the_cut_out_edge(photo_cutout):
    base = build_base(photo_cutout, outline_px=0, size=512)
    sticker = np.asarray(add_caption(base, StickerStyle(outline_px=0))).astype(int)
    subject = subject_alpha_on_canvas(photo_cutout, base.placement(None), 512)
    outside = _distance_outside(subject, 1 / 255) > 3
    assert (sticker[outside][:, 3] == 0).all()
    # and the soft edge is the cut-out's own: no white ring around the subject
    near = (subject == 0) & (_distance_outside(subject) < 3)
    assert (sticker[near][:, 3] < 128).all()


def _dark_translucent(sticker: np.ndarray) -> np.ndarray:
    return (sticker[..., 3] > 0) & (sticker[..., 3] < 255) & (sticker[..., :3].max(axis=2) <= 10)


def test_shadow_is_soft_dark_and_below_right(emoji_cutout):
    plain = np.asarray(compose_sticker(emoji_cutout, StickerStyle(shadow=False), 512)).astype(int)
    shaded = np.asarray(compose_sticker(emoji_cutout, StickerStyle(shadow=True), 512)).astype(int)
    shadow = _dark_translucent(shaded)
    assert shadow.sum() > 2000
    assert _dark_translucent(plain).sum() < shadow.sum() / 100  # only stray fringe pixels
    assert shaded[shadow][:, 3].max() <= 0.4 * 255 + 1  # ~40 % black at most
    assert len(np.unique(shaded[shadow][:, 3])) > 50  # blurred, not a hard copy
    ys, xs = np.nonzero(shadow)
    cy, cx = np.nonzero(shaded[..., 3] == 255)
    assert ys.mean() > cy.mean() and xs.mean() > cx.mean()


@pytest.mark.parametrize("position", ["top", "bottom"])
@pytest.mark.parametrize("font", [f.name for f in list_fonts()])
def test_long_caption_stays_inside_the_canvas(photo_cutout, position, font):
    base = build_base(photo_cutout, size=512)
    sticker = add_caption(base, StickerStyle(caption=LONG, font=font, position=position))
    assert border_is_clear(sticker, width=4)
    ink = np.asarray(sticker) != np.asarray(base.layer(position))
    ys, xs = np.nonzero(ink.any(axis=2))
    assert ys.size > 1000
    assert xs.max() - xs.min() > 512 * 0.6
    if position == "top":
        assert ys.max() < base.caption_band()
    else:
        assert ys.min() >= 512 - base.caption_band()


def test_caption_moves_the_subject_out_of_its_band(photo_cutout):
    base = build_base(photo_cutout, size=512)
    _, y_none, _, h_none = base.placement(None)
    _, y_top, _, h_top = base.placement("top")
    _, y_bottom, _, h_bottom = base.placement("bottom")
    assert h_top == h_bottom < h_none
    assert y_top >= base.caption_band() and y_bottom + h_bottom <= 512 - base.caption_band()


def test_caption_edits_reuse_the_base(photo_cutout):
    base = build_base(photo_cutout, size=512)
    first = add_caption(base, StickerStyle(caption="one"))
    layer = base.layer("bottom")
    second = add_caption(base, StickerStyle(caption="two \U0001F600"))
    assert base.layer("bottom") is layer  # not rebuilt for a caption change
    assert first.tobytes() != second.tobytes()
    direct = compose_sticker(photo_cutout, StickerStyle(caption="two \U0001F600"), 512)
    assert direct.tobytes() == second.tobytes()
    assert layer.tobytes() == base.layer("bottom").tobytes()  # the cached layer was not drawn on


def test_hidden_background_colour_does_not_bleed(photo_cutout):
    grey = photo_cutout.convert("L").convert("RGB")
    green = Image.new("RGB", grey.size, (0, 255, 0))
    alpha = photo_cutout.getchannel("A").point(lambda v: v if v >= 64 else 0)  # a matte's cut edge
    rgb = Image.composite(grey, green, alpha.point(lambda v: 255 if v else 0))
    rgb.putalpha(alpha)  # grey subject; pure green right next to it where alpha is 0
    sticker = np.asarray(compose_sticker(rgb, StickerStyle(outline_px=0), 300)).astype(int)
    visible = sticker[..., 3] > 8
    greenish = visible & (sticker[..., 1] - np.maximum(sticker[..., 0], sticker[..., 2]) > 24)
    assert greenish.sum() == 0


def test_working_size_follows_the_crop():
    assert build_base(detailed_cutout(4000, 3000)).side == 2048  # capped
    mid = detailed_cutout(900, 700)
    crop = mid.getchannel("A").point(lambda v: 255 if v >= 16 else 0).getbbox()
    side = max(crop[2] - crop[0], crop[3] - crop[1])
    assert 512 < side < 900
    assert compose_sticker(mid, StickerStyle()).size == (side, side)  # the crop's own size
    assert compose_sticker(detailed_cutout(120, 90), StickerStyle()).size == (512, 512)  # floor


def test_empty_cut_out_is_an_export_error():
    empty = Image.new("RGBA", (300, 200), (255, 0, 0, 0))
    with pytest.raises(ExportError, match="no subject"):
        compose_sticker(empty, StickerStyle())
    with pytest.raises(ExportError):
        compose_sticker("not an image", StickerStyle())  # type: ignore[arg-type]


@pytest.mark.parametrize("style", [
    StickerStyle(position="middle"),  # type: ignore[arg-type]
    StickerStyle(outline_px=-1),
    StickerStyle(outline_px=65),
    StickerStyle(text_color="#12"),
    StickerStyle(font="Wingdings"),
    StickerStyle(caption="x" * 1000),
])
def test_bad_style_is_a_config_error(emoji_cutout, style):
    with pytest.raises(ConfigError):
        compose_sticker(emoji_cutout, style)


@pytest.mark.parametrize("size", [0, 63, 4097, 512.5])
def test_bad_size_is_a_config_error(emoji_cutout, size):
    with pytest.raises(ConfigError):
        compose_sticker(emoji_cutout, StickerStyle(), size)  # type: ignore[arg-type]


def test_opaque_input_still_becomes_a_sticker(photo_cutout):
    sticker = compose_sticker(photo_cutout.convert("RGB"), StickerStyle(caption="flat"), 512)
    assert border_is_clear(sticker, width=4)
