"""Composite builder, stylisation, splits and stamp labelling: no torch, no fetched sources."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stickerstudio_desktop.errors import ConfigError
from trainer.data import emoji
from trainer.data.catalog import tuxpaint_style
from trainer.data.composite import CompositeConfig, compose
from trainer.data.splits import FRACTIONS, split_of
from trainer.data.stylize import LOOKS, cartoonize

ROOT = Path(__file__).resolve().parents[2]
GREEN = (0, 255, 0)
MAGENTA = (255, 0, 255)
PLAIN = CompositeConfig(colour=0.0, background_blur=0.0, shadow=0.0, noise=0.0, outline=0.0, subjects=(1, 3))


def _green(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    return np.broadcast_to(np.array(GREEN, np.uint8), (h, w, 3)).copy()


@pytest.fixture(scope="module")
def emojis() -> list[np.ndarray]:
    # 😀 🍎 🚀 🐱 🏠: OFL glyphs from the bundled font
    return [emoji.render(cp) for cp in (0x1F600, 0x1F34E, 0x1F680, 0x1F431, 0x1F3E0)]


def test_masks_are_exactly_the_pasted_pixels(emojis):
    # the same seed on two plain backgrounds gives the same geometry; their difference reveals the
    # composite's true alpha, which the masks must match (alpha >= 0.5), up to rounding at the rim
    def plain(colour):
        return lambda h, w, rng: np.broadcast_to(np.array(colour, np.uint8), (h, w, 3)).copy()

    a = compose(emojis[:3], plain(GREEN), np.random.default_rng(3), PLAIN, "animated", ["a", "b", "c"])
    b = compose(emojis[:3], plain(MAGENTA), np.random.default_rng(3), PLAIN, "animated", ["a", "b", "c"])
    assert 1 <= len(a.masks) <= 3 and len(a.boxes) == len(a.masks) == len(b.masks)
    stack = np.stack(a.masks)
    assert stack.sum(0).max() == 1, "instance masks must not overlap"
    diff = a.image.astype(np.float32) - b.image.astype(np.float32)
    alpha = 1 - diff[..., 1] / (GREEN[1] - MAGENTA[1])
    union = stack.any(0)
    disagree = union != (alpha >= 0.5)
    assert disagree.sum() <= 0.005 * union.sum()
    assert (np.abs(alpha[disagree] - 0.5) < 0.1).all()


def test_boxes_bound_their_masks(emojis):
    comp = compose(emojis, _green, np.random.default_rng(5), PLAIN)
    for mask, (x1, y1, x2, y2) in zip(comp.masks, comp.boxes):
        ys, xs = np.nonzero(mask)
        assert (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) == (x1, y1, x2, y2)


def test_same_seed_same_composite(emojis):
    a = compose(emojis, _green, np.random.default_rng(11), CompositeConfig())
    b = compose(emojis, _green, np.random.default_rng(11), CompositeConfig())
    c = compose(emojis, _green, np.random.default_rng(12), CompositeConfig())
    assert np.array_equal(a.image, b.image) and all(np.array_equal(x, y) for x, y in zip(a.masks, b.masks))
    assert a.image.shape != c.image.shape or not np.array_equal(a.image, c.image)


def test_canvas_sizes_and_aspects_vary(emojis):
    cfg = CompositeConfig(long_side=(200, 400))
    shapes = {compose(emojis[:1], _green, np.random.default_rng(s), cfg).image.shape for s in range(12)}
    assert len(shapes) > 5
    for h, w, _ in shapes:
        assert 200 <= max(h, w) <= 400


def test_photo_background_is_cropped_to_canvas(emojis):
    photo = np.asarray(Image.open(ROOT / "tests" / "data" / "flower.jpg").convert("RGB"))
    comp = compose(emojis[:2], photo, np.random.default_rng(0), CompositeConfig(long_side=(256, 256)))
    assert max(comp.image.shape[:2]) == 256 and comp.masks


def test_sticker_outline_is_part_of_the_mask(emojis):
    base = dict(PLAIN.__dict__, subjects=(1, 1))
    plain = compose(emojis[:1], _green, np.random.default_rng(2), CompositeConfig(**base))
    outlined = compose(emojis[:1], _green, np.random.default_rng(2), CompositeConfig(**{**base, "outline": 1.0}))
    assert outlined.masks[0].sum() > plain.masks[0].sum()


@pytest.mark.parametrize("bad", [np.zeros((8, 8, 3), np.uint8), np.zeros((8, 8, 4), np.uint8),
                                 np.zeros((8, 8, 4), np.float32)])
def test_bad_foregrounds_are_refused(bad):
    with pytest.raises(ConfigError):
        compose([bad], _green, np.random.default_rng(0))


def test_bad_arguments_are_refused(emojis):
    with pytest.raises(ConfigError):
        compose([], _green, np.random.default_rng(0))
    with pytest.raises(ConfigError):
        compose(emojis[:1], _green, np.random.default_rng(0), style="anime")
    with pytest.raises(ConfigError):
        CompositeConfig(scale=(0.9, 0.1))


def _flat_share(img: np.ndarray) -> float:
    """Share of pixels equal to their right neighbour: drawings have flat areas, photos do not."""
    return float((img[:, 1:] == img[:, :-1]).all(-1).mean())


@pytest.mark.parametrize("look", LOOKS)
def test_cartoonize_changes_the_look(look):
    photo = np.asarray(Image.open(ROOT / "tests" / "data" / "flower.jpg").convert("RGB").resize((256, 192)))
    out = cartoonize(photo, np.random.default_rng(0), look)
    assert out.shape == photo.shape and out.dtype == np.uint8
    if look == "sketch":  # pencil strokes over washed-out colour
        assert np.abs(out.astype(int) - photo).mean() > 20
    else:
        assert _flat_share(out) > _flat_share(photo) + 0.1


def test_splits_are_stable_and_proportional():
    keys = [f"src:{i}" for i in range(3000)]
    first = [split_of(k, 0) for k in keys]
    assert first == [split_of(k, 0) for k in keys]
    assert first != [split_of(k, 1) for k in keys]
    for name, share in FRACTIONS.items():
        assert abs(first.count(name) / len(keys) - share) < 0.03


def _stamp(rgb: np.ndarray) -> np.ndarray:
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


def test_stamp_labels_follow_the_flat_pixel_rule():
    rng = np.random.default_rng(0)
    cartoon = np.zeros((128, 128, 3), np.uint8)
    cartoon[:, :64] = (250, 200, 0)
    cartoon[:, 64:] = (0, 90, 200)
    photo = rng.integers(0, 256, (128, 128, 3)).astype(np.uint8)
    assert tuxpaint_style("animals/x.png", _stamp(cartoon)) == "animated"
    assert tuxpaint_style("animals/x.png", _stamp(photo)) == "normal"
    assert tuxpaint_style("symbols/alphabets/english/filled/A.png", _stamp(cartoon)) is None
    assert tuxpaint_style("animals/fish/butterflyfish.png", _stamp(cartoon)) is None  # hand override
    assert tuxpaint_style("animals/tiny.png", _stamp(cartoon[:32, :32])) is None


def test_emoji_render_has_alpha_and_skips_missing_glyphs():
    face = emoji.render(0x1F600)
    assert face is not None and face.shape[2] == 4 and (face[..., 3] == 0).any() and (face[..., 3] == 255).any()
    assert emoji.render(0x1FAFF) is None  # unassigned: the font has no glyph
