"""The clip job end to end: a real clip in, a platform-valid animated sticker out, saved as animated."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stickerstudio_desktop.jobs.animate import AnimateOptions, animate_one
from stickerstudio_desktop.jobs.context import AppContext
from stickerstudio_desktop.sticker.animated import decode_animation
from stickerstudio_desktop.sticker.compose import StickerStyle
from tests.conftest import SAMPLES, TEST_DATA
from trainer.clip_composite import moving_composite, write_video

EVAL = TEST_DATA / "student_eval" / "animated"


@pytest.fixture
def ctx(shared_pipeline) -> AppContext:
    context = AppContext.create()
    context._pipeline = shared_pipeline
    return context


@pytest.fixture(scope="module")
def long_mp4(tmp_path_factory):
    subject = np.asarray(Image.open(EVAL / "images" / "test" / "animated-test-00002.jpg").convert("RGB"))
    mask = np.asarray(Image.open(EVAL / "masks" / "test" / "animated-test-00002.png").convert("L")) / 255.0
    background = np.asarray(Image.open(SAMPLES / "coffee.jpg").convert("RGB"))
    frames, _ = moving_composite(subject, mask, background, 40, size=(320, 240))
    return write_video(frames, tmp_path_factory.mktemp("clip") / "walk.mp4", fps=10)  # 4 s


def test_a_long_clip_is_trimmed_to_telegrams_limit_with_a_message(ctx, long_mp4, tmp_path):
    out = tmp_path / "out.webm"
    done = animate_one(ctx, long_mp4, AnimateOptions(StickerStyle(caption="hi"), engine="u2netp",
                                                    preset="telegram", output=str(out)))
    assert "Telegram allows 3 s" in done.message and "0–3 s" in done.message
    anim = decode_animation(out.read_bytes())
    assert anim.duration_ms == pytest.approx(3000, abs=120)  # trimmed, not sped up
    assert 512 in anim.size and len(out.read_bytes()) <= 256 * 1024
    assert done.entry is not None and done.entry.animated and done.entry.format == "webm"


def test_still_takes_one_frame_through_the_photo_path(ctx, long_mp4):
    done = animate_one(ctx, long_mp4, AnimateOptions(StickerStyle(), engine="u2netp", preset="png", still=True,
                                                    start=1.0))
    assert done.frames == 1 and done.encoded.format == "PNG" and not done.entry.animated
