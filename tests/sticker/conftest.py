"""Cut-outs made from real art: a photo with a soft mask and a colour emoji."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from sticker_art import soft_mask

from stickerstudio_desktop.config.paths import bundled

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@pytest.fixture(scope="session")
def photo_cutout() -> Image.Image:
    """Grace Hopper's portrait (public domain) cut out with a soft mask."""
    photo = Image.open(SAMPLES / "grace_hopper.jpg").convert("RGB")
    photo.putalpha(soft_mask(photo.size))
    return photo


@pytest.fixture(scope="session")
def emoji_cutout() -> Image.Image:
    """A cat face from the bundled Noto Color Emoji: real anti-aliased RGBA art."""
    font = ImageFont.truetype(str(bundled("fonts", "NotoColorEmoji.ttf")), 109)
    art = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
    ImageDraw.Draw(art).text((10, 10), "\U0001F431", font=font, embedded_color=True)
    return art.resize((480, 480), Image.Resampling.LANCZOS)
