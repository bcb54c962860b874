"""The command line with clips: animated stickers out, one mask per frame, a bad clip in a batch."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stickerstudio_desktop.cli import main
from stickerstudio_desktop.sticker.animated import decode_animation
from tests.conftest import SAMPLES, TEST_DATA
from trainer.clip_composite import moving_composite, write_animated_image, write_video

EVAL = TEST_DATA / "student_eval" / "animated"


@pytest.fixture(scope="module")
def frames():
    subject = np.asarray(Image.open(EVAL / "images" / "test" / "animated-test-00002.jpg").convert("RGB"))
    mask = np.asarray(Image.open(EVAL / "masks" / "test" / "animated-test-00002.png").convert("L")) / 255.0
    background = np.asarray(Image.open(SAMPLES / "coffee.jpg").convert("RGB"))
    return moving_composite(subject, mask, background, 8, size=(320, 240))[0]


def test_make_a_whatsapp_sticker_from_a_gif_and_go_on_past_a_broken_clip(frames, tmp_path, capsys):
    gif = write_animated_image(frames, tmp_path / "wave.gif", durations_ms=100)
    good = write_video(frames, tmp_path / "walk.mp4", fps=8)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(good.read_bytes()[:300])
    out = tmp_path / "out"
    code = main(["make", str(broken), str(gif), "--preset", "whatsapp", "--engine", "u2netp", "-o", f"{out}/",
                 "--no-library"])
    err = capsys.readouterr().err
    assert code == 1 and "broken.mp4" in err and "1 of 2 succeeded" in err
    made = decode_animation((out / "wave.webp").read_bytes())
    assert len(made.frames) == 8 and made.size == (512, 512) and made.duration_ms == pytest.approx(800, abs=20)


def test_mask_writes_one_mask_per_frame(frames, tmp_path):
    clip = write_video(frames, tmp_path / "walk.mp4", fps=8)
    assert main(["mask", str(clip), "-o", str(tmp_path / "masks"), "--engine", "u2netp", "--end", "0.5"]) == 0
    names = sorted(p.name for p in (tmp_path / "masks" / "walk").iterdir())
    assert names == ["0000.png", "0001.png", "0002.png", "0003.png"]
    first = np.asarray(Image.open(tmp_path / "masks" / "walk" / "0000.png"))
    assert first.shape == (240, 320) and 0.05 < (first >= 128).mean() < 0.6
