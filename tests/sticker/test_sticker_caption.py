from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.sticker.caption import MAX_CAPTION_CHARS, clusters, render_caption, split_runs
from stickerstudio_desktop.sticker.fonts import list_fonts, resolve_font

LONG = ("When you finally fix the bug at 3 am and the tests pass on the first try "
        "but then you notice they never ran at all")


def _rgba(image: Image.Image) -> np.ndarray:
    return np.asarray(image).astype(int)


@pytest.mark.parametrize("font", [f.name for f in list_fonts()])
@pytest.mark.parametrize("box", [(472, 128), (200, 60)])
def test_long_captions_fit_their_box(font, box):
    image = render_caption(LONG, font, max_width=box[0], max_height=box[1])
    assert image.width <= box[0] and image.height <= box[1]
    assert image.getbbox() == (0, 0, image.width, image.height)  # cropped to its ink
    assert image.width > box[0] * 0.6  # fills the box rather than shrinking to nothing


def test_an_unbreakable_word_is_broken_not_shrunk_to_a_speck():
    image = render_caption("A" * 60, "Comic Neue", max_width=300, max_height=120, max_size=40)
    assert image.width <= 300 and image.height <= 120
    assert image.height > 40  # several lines of readable text, not one 8-px line


def test_fill_inside_a_contrasting_stroke():
    image = _rgba(render_caption("HI", "Noto Sans", fill="#FFFFFF", stroke="#FF0000",
                                 max_width=300, max_height=150))
    opaque = image[..., 3] == 255
    white = opaque & (image[..., :3] == 255).all(axis=2)
    red = opaque & (image[..., 0] == 255) & (image[..., 1] == 0) & (image[..., 2] == 0)
    assert white.sum() > 500 and red.sum() > 500
    # the ink's outer edge on every row is stroke, never bare fill
    for row in np.nonzero(opaque.any(axis=1))[0]:
        cols = np.nonzero(opaque[row])[0]
        assert not white[row, cols[0]] and not white[row, cols[-1]]


def test_stroke_scales_with_font_size():
    def stroke_share(box):
        img = _rgba(render_caption("O", "Noto Sans", fill="#FFFFFF", stroke="#000000",
                                   max_width=box, max_height=box))
        ink = img[..., 3] > 128
        black = ink & (img[..., :3].max(axis=2) < 60)
        return black.sum() / ink.sum(), img.shape[0]

    small, h_small = stroke_share(60)
    big, h_big = stroke_share(400)
    assert h_big > 4 * h_small
    assert abs(small - big) < 0.12  # same look at any size


def test_emoji_are_drawn_in_colour():
    image = _rgba(render_caption("pizza \U0001F355 time", "Comic Neue", fill="#FFFFFF",
                                 stroke="#000000", max_width=400, max_height=100))
    rgb, alpha = image[..., :3], image[..., 3]
    saturated = (alpha > 200) & (rgb.max(axis=2) - rgb.min(axis=2) > 80)
    assert saturated.sum() > 200  # white/black text alone has none


def test_missing_glyphs_fall_back_to_noto_sans():
    assert split_runs("Hi Жора", resolve_font("Comic Neue")) == (("text", "Hi "), ("fallback", "Жора"))
    # drawn with the fallback face, the caption is pixel-identical to asking for Noto Sans
    a = render_caption("Жора", "Comic Neue", max_width=400, max_height=200, max_size=40)
    b = render_caption("Жора", "Noto Sans", max_width=400, max_height=200, max_size=40)
    assert a.size == b.size and np.array_equal(np.asarray(a), np.asarray(b))


def test_emoji_sequences_stay_whole():
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    flag = "\U0001F1E9\U0001F1EA"
    thumbs = "\U0001F44D\U0001F3FD"
    keycap = "1\ufe0f\u20e3"
    assert clusters(f"a{family}{flag}{thumbs}{keycap}") == ["a", family, flag, thumbs, keycap]
    runs = split_runs(f"Go {thumbs} 1 {keycap}", resolve_font("Comic Neue"))
    assert runs == (("text", "Go "), ("emoji", thumbs), ("text", " 1 "), ("emoji", keycap))


def test_empty_caption_draws_nothing():
    assert render_caption("  \n ", max_width=100, max_height=100) is None


def test_bad_input_is_rejected():
    with pytest.raises(ConfigError, match="at most"):
        render_caption("x" * (MAX_CAPTION_CHARS + 1), max_width=100, max_height=100)
    with pytest.raises(ConfigError, match="colour"):
        render_caption("hi", fill="white-ish", max_width=100, max_height=100)
    with pytest.raises(ConfigError, match="Unknown font"):
        render_caption("hi", "Papyrus", max_width=100, max_height=100)
