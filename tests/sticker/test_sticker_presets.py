from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from sticker_art import detailed_cutout

from stickerstudio_desktop.errors import ConfigError, ExportError
from stickerstudio_desktop.sticker.compose import StickerStyle, compose_sticker
from stickerstudio_desktop.sticker.presets import PRESETS, encode_sticker, export_sticker

KB = 1024


@pytest.fixture(scope="module")
def big_detailed_sticker() -> Image.Image:
    """4000×3000 noisy cut-out composed at full working size (2048)."""
    return compose_sticker(detailed_cutout(4000, 3000, grain=8),
                           StickerStyle(caption="so much detail \U0001F92F"))


@pytest.fixture(scope="module")
def noisy_512() -> Image.Image:
    """Pixel-level noise at exactly sticker size: the worst case for any encoder."""
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, (512, 512, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[:40] = 0
    rgba[:, :40] = 0  # transparent margin, like a sticker's
    return Image.fromarray(rgba, "RGBA")


def _reopen(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA") and im.getchannel("A").getextrema()[0] < 255


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_meets_its_limits_on_a_big_detailed_sticker(big_detailed_sticker, name, tmp_path):
    preset = PRESETS[name]
    result = export_sticker(big_detailed_sticker, name, tmp_path / f"s{preset.extension}")
    assert result.path.is_file() and result.bytes == result.path.stat().st_size
    im = Image.open(result.path)
    im.load()
    assert im.format == result.format and im.format in preset.formats
    assert im.size == (result.width, result.height)
    assert _has_alpha(im)
    if preset.max_bytes is not None:
        assert result.bytes <= preset.max_bytes
    if preset.side is None:
        assert im.size == big_detailed_sticker.size == (2048, 2048)
    elif name == "signal":
        assert max(im.size) <= 512
    else:
        assert im.size == (preset.side, preset.side)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_handles_worst_case_noise(noisy_512, name):
    preset = PRESETS[name]
    enc = encode_sticker(noisy_512, name)
    im = _reopen(enc.data)
    assert im.format == enc.format and im.size == enc.size and _has_alpha(im)
    if preset.max_bytes is not None:
        assert len(enc.data) <= preset.max_bytes


def test_whatsapp_is_512_webp_under_100_kb_even_for_noise(noisy_512, tmp_path):
    result = export_sticker(noisy_512, "whatsapp", tmp_path / "noise.webp")
    im = Image.open(result.path)
    im.load()
    assert (im.format, im.size) == ("WEBP", (512, 512))
    assert _has_alpha(im)
    assert result.bytes <= 100 * KB
    assert result.quality is not None and result.quality < 80  # the search had to step down


def test_whatsapp_keeps_quality_80_for_a_real_sticker(photo_cutout):
    enc = encode_sticker(compose_sticker(photo_cutout, StickerStyle(caption="hi"), 512), "whatsapp")
    assert enc.quality == 80 and len(enc.data) <= 100 * KB


def test_telegram_prefers_png_and_falls_back_to_webp(photo_cutout, noisy_512):
    sticker = compose_sticker(photo_cutout, StickerStyle(), 512)
    assert encode_sticker(sticker, "telegram").format == "PNG"
    # noise makes a PNG bigger than 512 KB, so the same preset writes WebP
    noisy = encode_sticker(noisy_512, "telegram")
    assert noisy.format == "WEBP" and len(noisy.data) <= 512 * KB


def test_telegram_keeps_the_aspect_and_whatsapp_pads(emoji_cutout):
    wide = emoji_cutout.resize((800, 400))
    tg = _reopen(encode_sticker(wide, "telegram").data)
    assert tg.size == (512, 256)
    wa = _reopen(encode_sticker(wide, "whatsapp").data)
    assert wa.size == (512, 512)
    assert wa.getchannel("A").getpixel((256, 10)) == 0  # padding is transparent


def test_signal_never_upscales(emoji_cutout):
    small = emoji_cutout.resize((200, 200))
    assert encode_sticker(small, "signal").size == (200, 200)


def test_impossible_budget_raises_and_leaves_no_file(noisy_512, tmp_path):
    tiny = replace(PRESETS["whatsapp"], name="tiny", max_bytes=2 * KB)
    with pytest.raises(ExportError, match="cannot be made small enough for tiny"):
        export_sticker(noisy_512, tiny, tmp_path / "out.webp")
    assert list(tmp_path.iterdir()) == []  # no file, no temp file


def test_existing_target_is_not_overwritten(emoji_cutout, tmp_path):
    target = tmp_path / "mine.webp"
    target.write_bytes(b"precious")
    with pytest.raises(ExportError, match="already exists"):
        export_sticker(emoji_cutout, "whatsapp", target)
    assert target.read_bytes() == b"precious"
    result = export_sticker(emoji_cutout, "whatsapp", target, overwrite=True)
    assert result.path == target and Image.open(target).format == "WEBP"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.webp"]


def test_wrong_suffix_is_corrected_and_said(emoji_cutout, tmp_path):
    result = export_sticker(emoji_cutout, "whatsapp", tmp_path / "cat.png")
    assert result.path == tmp_path / "cat.webp" and result.requested_path == tmp_path / "cat.png"
    assert "cat.webp" in result.note
    assert not (tmp_path / "cat.png").exists()
    assert export_sticker(emoji_cutout, "discord", tmp_path / "cat.PNG").note == ""


def test_unknown_preset_lists_the_choices(emoji_cutout, tmp_path):
    with pytest.raises(ConfigError) as err:
        export_sticker(emoji_cutout, "myspace", tmp_path / "x.png")
    assert all(name in str(err.value) for name in PRESETS)
    assert list(tmp_path.iterdir()) == []


def test_folder_target_is_refused(emoji_cutout, tmp_path):
    with pytest.raises(ExportError, match="folder"):
        export_sticker(emoji_cutout, "png", tmp_path)


def test_not_an_image_is_refused():
    with pytest.raises(ExportError):
        encode_sticker(b"\x89PNG", "png")  # type: ignore[arg-type]
