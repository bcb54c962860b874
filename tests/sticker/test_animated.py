"""Animated stickers out: each platform's rules checked on the decoded file, not on the encoder's word.

Clips are made from real art (the Grace Hopper portrait cut out with a soft
mask, a Noto Color Emoji cat) moved and turned across the frames; the hard
case adds fresh colour noise to every frame so the fit has to give up frame
rate and quality.
"""

from __future__ import annotations

import io
from dataclasses import replace

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from sticker_art import detailed_cutout

from stickerstudio_desktop.errors import ExportError
from stickerstudio_desktop.sticker.animated import (
    Animation,
    animation_limits,
    encode_animation,
    resample,
)
from stickerstudio_desktop.sticker.presets import get_preset, write_encoded


def moving_clip(cutout: Image.Image, frames: int, frame_ms: int, canvas: tuple[int, int] = (512, 512),
                noise_seed: int | None = None) -> Animation:
    """*cutout* sways and turns across *frames* frames on a transparent canvas."""
    art = cutout.copy()
    art.thumbnail((int(min(canvas) * 0.8),) * 2, Image.Resampling.LANCZOS)
    out = []
    for i in range(frames):
        angle = 20 * np.sin(2 * np.pi * i / frames)
        turned = art.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False)
        if noise_seed is not None:
            turned = _noisy(turned, noise_seed + i)
        frame = Image.new("RGBA", canvas, (0, 0, 0, 0))
        dx = int((canvas[0] - art.width) / 2 + 30 * np.sin(2 * np.pi * i / frames))
        frame.alpha_composite(turned, (dx, (canvas[1] - art.height) // 2))
        out.append(frame)
    return Animation(tuple(out), (frame_ms,) * frames)


def _noisy(rgba: Image.Image, seed: int) -> Image.Image:
    noise = detailed_cutout(rgba.width, rgba.height, seed=seed, grain=2)
    mixed = Image.blend(rgba.convert("RGB"), noise.convert("RGB"), 0.5)
    mixed.putalpha(rgba.getchannel("A"))
    return mixed


@pytest.fixture(scope="module")
def cat_clip(emoji_cutout) -> Animation:
    return moving_clip(emoji_cutout, 30, 40)  # 1.2 s at 25 fps


@pytest.fixture(scope="module")
def photo_clip(photo_cutout) -> Animation:
    return moving_clip(photo_cutout, 45, 33)  # 1.485 s at ~30 fps


@pytest.fixture(scope="module")
def noisy_clip(photo_cutout) -> Animation:
    return moving_clip(photo_cutout, 60, 33, noise_seed=7)  # 1.98 s, fresh noise every frame


def _pillow_frames(data: bytes) -> tuple[str, list[Image.Image], list[int], dict]:
    with Image.open(io.BytesIO(data)) as im:
        frames, durations = [], []
        for k in range(im.n_frames):
            im.seek(k)
            im.load()
            frames.append(im.convert("RGBA"))
            durations.append(im.info["duration"])
        return im.format, frames, durations, dict(im.info)


def _alpha_survives(frame: Image.Image, source: Image.Image) -> None:
    """Where the source is clear the decoded frame is clear, and the subject stays opaque."""
    a = np.asarray(frame.getchannel("A"), dtype=np.int16)
    src = np.asarray(source.getchannel("A"), dtype=np.int16)
    assert a[src == 0].max() <= 8
    assert a[src == 255].min() >= 200
    assert np.abs(a - src).mean() < 4


def _webm_frames(data: bytes) -> dict:
    with av.open(io.BytesIO(data)) as box:
        stream = box.streams.video[0]
        info = {"codec": stream.codec_context.name, "streams": len(box.streams), "audio": len(box.streams.audio),
                "duration_ms": box.duration / 1000, "size": (stream.codec_context.width, stream.codec_context.height)}
        decoder = av.codec.CodecContext.create("libvpx-vp9", "r")  # the native vp9 decoder drops alpha
        frames = []
        for packet in box.demux(stream):
            if packet.size:
                frames += [f.to_ndarray(format="rgba") for f in decoder.decode(packet)]
        frames += [f.to_ndarray(format="rgba") for f in decoder.decode(None)]
    info["frames"] = frames
    return info


# --- WhatsApp ----------------------------------------------------------------


def test_whatsapp_is_an_animated_512_webp_within_every_rule(photo_clip, tmp_path):
    encoded = encode_animation(photo_clip, "whatsapp")
    result = write_encoded(encoded, "whatsapp", tmp_path / "wave.webp")
    data = result.path.read_bytes()
    fmt, frames, durations, info = _pillow_frames(data)
    assert fmt == "WEBP" and len(frames) == encoded.frames > 1
    assert frames[0].size == (512, 512)
    assert len(data) <= 500 * 1024
    assert min(durations) >= 8 and sum(durations) <= 10_000
    assert sum(durations) == photo_clip.duration_ms  # never sped up
    assert info.get("loop") == 0
    # the first frame is the preview: the whole subject, with its transparency
    _alpha_survives(frames[0], photo_clip.frames[0])


def test_whatsapp_drops_frame_rate_before_sharpness(cat_clip):
    # the turning emoji is ~600 KB at q80 and 25 fps: a lower rate keeps q80 where q55 would keep the rate
    encoded = encode_animation(cat_clip, "whatsapp")
    assert encoded.quality == 80 and encoded.frames < len(cat_clip.frames)
    assert encoded.duration_ms == 1200 and len(encoded.data) <= 500 * 1024


def test_noise_makes_the_fit_give_up_rate_or_quality_but_not_time(noisy_clip):
    encoded = encode_animation(noisy_clip, "whatsapp")
    _, frames, durations, _ = _pillow_frames(encoded.data)
    assert len(encoded.data) <= 500 * 1024
    assert encoded.quality < 80 or len(frames) < len(noisy_clip.frames)
    assert sum(durations) == noisy_clip.duration_ms
    _alpha_survives(frames[0], noisy_clip.frames[0])


# --- Telegram ------------------------------------------------------------------


def test_telegram_is_a_vp9_webm_with_alpha_and_no_audio(photo_clip, tmp_path):
    encoded = encode_animation(photo_clip, "telegram")
    result = write_encoded(encoded, "telegram", tmp_path / "wave.png")
    assert result.path.name == "wave.webm" and "WEBM" in result.note
    data = result.path.read_bytes()
    info = _webm_frames(data)
    assert info["codec"] == "vp9" and info["streams"] == 1 and info["audio"] == 0
    assert len(data) <= 256 * 1024
    assert info["size"] == (512, 512)
    assert abs(info["duration_ms"] - photo_clip.duration_ms) <= 1 and info["duration_ms"] <= 3000
    assert len(info["frames"]) * 1000 / info["duration_ms"] <= 30
    first = Image.fromarray(info["frames"][0], "RGBA")
    _alpha_survives(first, photo_clip.frames[0])


def test_telegram_has_one_side_of_512_and_keeps_the_aspect(emoji_cutout):
    wide = moving_clip(emoji_cutout, 12, 50, canvas=(600, 400))
    encoded = encode_animation(wide, "telegram")
    info = _webm_frames(encoded.data)
    assert info["size"] == (512, 341)


def test_telegram_noise_still_fits_its_budget_at_the_same_length(noisy_clip):
    encoded = encode_animation(noisy_clip, "telegram")
    info = _webm_frames(encoded.data)
    assert len(encoded.data) <= 256 * 1024
    assert abs(info["duration_ms"] - noisy_clip.duration_ms) <= 1


def test_a_clip_too_long_is_refused_not_sped_up(cat_clip):
    long_clip = Animation(cat_clip.frames * 3, cat_clip.durations_ms * 3)  # 3.6 s
    with pytest.raises(ExportError, match=r"3\.60 s .* at most 3 s; trim it"):
        encode_animation(long_clip, "telegram")
    assert animation_limits("telegram").max_duration_ms == 3000
    assert encode_animation(long_clip, "whatsapp").duration_ms == 3600  # WhatsApp takes 10 s


# --- Signal, Discord, full size ---------------------------------------------------------


def test_signal_is_apng_within_300_kib(cat_clip, tmp_path):
    encoded = encode_animation(cat_clip, "signal")
    result = write_encoded(encoded, "signal", tmp_path / "cat")
    assert result.path.suffix == ".png"
    data = result.path.read_bytes()
    fmt, frames, durations, info = _pillow_frames(data)
    assert fmt == "PNG" and len(frames) > 1 and info.get("loop") == 0
    assert max(frames[0].size) <= 512 and len(data) <= 300 * 1024
    assert sum(durations) == cat_clip.duration_ms
    _alpha_survives(frames[0], cat_clip.frames[0].resize(frames[0].size, Image.Resampling.LANCZOS))


def test_signal_shrinks_a_photo_clip_rather_than_fail(photo_clip):
    encoded = encode_animation(photo_clip, "signal")
    fmt, frames, durations, _ = _pillow_frames(encoded.data)
    assert len(encoded.data) <= 300 * 1024 and max(frames[0].size) <= 512
    assert sum(durations) == photo_clip.duration_ms


def test_discord_is_a_320_apng_within_512_kb(cat_clip):
    encoded = encode_animation(cat_clip, "discord")
    fmt, frames, durations, _ = _pillow_frames(encoded.data)
    assert fmt == "PNG" and frames[0].size == (320, 320) and len(frames) > 1
    assert len(encoded.data) <= 512 * 1024 and sum(durations) == 1200


def test_png_preset_writes_a_lossless_full_size_apng(emoji_cutout):
    clip = moving_clip(emoji_cutout, 8, 100, canvas=(300, 200))
    encoded = encode_animation(clip, "png")
    _, frames, durations, _ = _pillow_frames(encoded.data)
    assert frames[0].size == (300, 200) and durations == [100] * 8
    for got, want in zip(frames, clip.frames):
        assert np.array_equal(np.asarray(got), np.asarray(want))


def test_noise_that_cannot_fit_is_refused_in_one_sentence(noisy_clip, tmp_path):
    discord = get_preset("discord")
    tight = replace(discord, animated=replace(discord.animated, max_bytes=20 * 1024))
    with pytest.raises(ExportError, match=r"cannot be made small enough for discord.*limit is 20 KB") as err:
        encode_animation(noisy_clip, tight)
    assert str(err.value).count(". ") == 0 and str(err.value).endswith(".")


# --- frame rate ----------------------------------------------------------------


def test_resample_keeps_the_running_time_and_the_frame_order(photo_clip):
    slow = resample(photo_clip, 10)
    assert slow.duration_ms == photo_clip.duration_ms
    assert len(slow.frames) == int(photo_clip.duration_ms * 10 / 1000)
    indices = [photo_clip.frames.index(f) for f in slow.frames]
    assert indices == sorted(indices) and indices[0] == 0


def test_resample_merges_repeats_instead_of_duplicating():
    frames = tuple(Image.new("RGBA", (8, 8), (i * 50, 0, 0, 255)) for i in range(3))
    clip = Animation(frames, (500, 100, 400))
    fast = resample(clip, 30)
    assert fast.frames == frames
    assert fast.duration_ms == 1000 and abs(fast.durations_ms[0] - 500) <= 34


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=40), st.sampled_from([30.0, 20.0, 12.0, 5.0]))
def test_resample_never_changes_the_total_and_never_plays_faster(durations, fps):
    frames = tuple(Image.new("RGBA", (2, 2), (i % 256, 0, 0, 255)) for i in range(len(durations)))
    clip = Animation(frames, tuple(durations))
    out = resample(clip, fps)
    assert out.duration_ms == clip.duration_ms
    if clip.duration_ms >= 1000 / fps:
        assert min(out.durations_ms) >= int(1000 / fps)
        assert len(out.frames) * 1000 / out.duration_ms <= fps


# --- bad input and failed writes ---------------------------------------------------------


@pytest.mark.parametrize("frames, durations, message", [
    ((), (), "no frames"),
    ((Image.new("RGBA", (4, 4)),) * 2, (40,), "2 frames but 1 frame times"),
    ((Image.new("RGBA", (4, 4)),), (0,), "at least 1 ms"),
    ((Image.new("RGBA", (4, 4)), Image.new("RGBA", (5, 4))), (40, 40), "not all the same size"),
])
def test_a_bad_animation_is_one_sentence(frames, durations, message):
    with pytest.raises(ExportError, match=message):
        Animation(frames, durations)


def test_an_empty_first_frame_is_refused(cat_clip):
    clip = Animation((Image.new("RGBA", (512, 512)),) + cat_clip.frames[1:], cat_clip.durations_ms)
    with pytest.raises(ExportError, match="first frame .* empty"):
        encode_animation(clip, "whatsapp")


def test_a_file_that_does_not_decode_as_promised_is_never_written(cat_clip, tmp_path):
    encoded = encode_animation(cat_clip, "discord")
    for bad in (replace(encoded, data=encoded.data[: len(encoded.data) // 2]),
                replace(encoded, frames=encoded.frames + 1),
                replace(encoded, duration_ms=encoded.duration_ms * 2)):
        with pytest.raises(ExportError):
            write_encoded(bad, "discord", tmp_path / "cat.png")
        assert list(tmp_path.iterdir()) == []  # no file, no temp file
