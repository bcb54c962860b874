"""Animated stickers in packs: real encoded animations through each platform's export and its own check."""

from __future__ import annotations

import io
import json
import zipfile

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from stickerstudio_desktop.errors import ExportError
from stickerstudio_desktop.jobs.context import AppContext
from stickerstudio_desktop.jobs.packs import add_to_pack, export_pack
from stickerstudio_desktop.packs.webp_exif import read_sticker_json
from stickerstudio_desktop.sticker.animated import Animation, encode_animation


def photo_clip(path, frames: int = 12) -> Animation:
    """A real photo cut out with a soft oval and swayed across *frames* frames of 60 ms on 512²."""
    photo = Image.open(path).convert("RGB")
    photo.thumbnail((380, 380))
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).ellipse((8, 8, photo.width - 8, photo.height - 8), fill=255)
    photo.putalpha(mask.filter(ImageFilter.GaussianBlur(4)))
    out = []
    for i in range(frames):
        frame = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
        turned = photo.rotate(12 * np.sin(2 * np.pi * i / frames), resample=Image.Resampling.BICUBIC)
        frame.alpha_composite(turned, ((512 - photo.width) // 2 + int(25 * np.sin(2 * np.pi * i / frames)),
                                       (512 - photo.height) // 2))
        out.append(frame)
    return Animation(tuple(out), (60,) * frames)


@pytest.fixture(scope="module")
def library(tmp_path_factory, photos):
    """A library holding three animated WhatsApp stickers (as the app saves them) and one still."""
    ctx = AppContext.create(tmp_path_factory.mktemp("anim-packs-home"))
    moving = []
    for i, photo in enumerate(photos[:3]):
        encoded = encode_animation(photo_clip(photo), "whatsapp")
        moving.append(ctx.library.add(kind="sticker", data=encoded.data, fmt="webp", width=512, height=512,
                                      title=f"Wave {i + 1}", meta={"animated": True}))
    first = Image.open(io.BytesIO(moving[0].path.read_bytes())).convert("RGBA")
    buf = io.BytesIO()
    first.save(buf, "WEBP", quality=80)
    still = ctx.library.add(kind="sticker", data=buf.getvalue(), fmt="webp", width=512, height=512, title="Still")
    return ctx, moving, still


def _pack(ctx, name, entries, emojis=("👋",)):
    if ctx.library.packs.exists(name):
        ctx.library.packs.delete(name)
    ctx.library.packs.create(name, publisher="Sticker Studio tests")
    return add_to_pack(ctx, name, entries, list(emojis))


def test_an_all_animated_whatsapp_pack_is_marked_and_every_sticker_passes(library, tmp_path):
    ctx, moving, _ = library
    _pack(ctx, "Waves", moving)
    target = tmp_path / "waves.wastickers"
    result = export_pack(ctx, "Waves", "whatsapp", target)
    assert result.reencoded == 0  # the library's animated WebPs already fit: used as made, plus the EXIF
    with zipfile.ZipFile(target) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    (sp,) = json.loads(files["contents.json"])["sticker_packs"]
    assert sp["animated_sticker_pack"] is True
    for s in sp["stickers"]:
        data = files[s["image_file"]]
        assert len(data) <= 500 * 1024
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == "WEBP" and im.is_animated and im.size == (512, 512)
            durations = []
            for k in range(im.n_frames):
                im.seek(k)
                im.load()
                durations.append(im.info["duration"])
        assert min(durations) >= 8 and sum(durations) == 720
        assert read_sticker_json(data)["emojis"] == ["👋"]


def test_a_mixed_whatsapp_pack_is_still_refused(library, tmp_path):
    ctx, moving, still = library
    _pack(ctx, "Mixed waves", [still, *moving])
    with pytest.raises(ExportError, match="is animated and the others are static; WhatsApp never takes a mixed"):
        export_pack(ctx, "Mixed waves", "whatsapp", tmp_path / "m.wastickers")
    assert not (tmp_path / "m.wastickers").exists()


def test_telegram_gets_vp9_video_stickers_reencoded_from_the_library_file(library, tmp_path):
    ctx, moving, still = library
    _pack(ctx, "Tg waves", [*moving, still])  # Telegram sets may mix static and video stickers
    result = export_pack(ctx, "Tg waves", "telegram", tmp_path / "tg")
    names = sorted(p.name for p in (tmp_path / "tg").iterdir())
    assert names == ["01.webm", "02.webm", "03.webm", "04.png", "emoji.txt", "title.txt"] or \
        names == ["01.webm", "02.webm", "03.webm", "04.webp", "emoji.txt", "title.txt"]
    assert result.reencoded == 3
    for name in names[:3]:
        data = (tmp_path / "tg" / name).read_bytes()
        assert len(data) <= 256 * 1024
        with av.open(io.BytesIO(data)) as box:
            stream = box.streams.video[0]
            assert stream.codec_context.name == "vp9" and len(box.streams) == 1
            assert max(stream.codec_context.width, stream.codec_context.height) == 512
            assert box.duration / 1000 == pytest.approx(720, abs=1)


def test_signal_gets_apng_within_300_kib(library, tmp_path):
    ctx, moving, _ = library
    _pack(ctx, "Signal waves", moving[:2])
    export_pack(ctx, "Signal waves", "signal", tmp_path / "sig")
    for name in ("01.png", "02.png"):
        data = (tmp_path / "sig" / name).read_bytes()
        assert len(data) <= 300 * 1024
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == "PNG" and im.is_animated and max(im.size) <= 512


def test_an_animated_file_that_cannot_be_decoded_is_named_and_nothing_is_written(library, tmp_path):
    ctx, moving, _ = library
    data = moving[0].path.read_bytes()
    broken = ctx.library.add(kind="sticker", data=data[: len(data) // 3], fmt="webp", width=512, height=512,
                             title="Torn", meta={"animated": True})
    _pack(ctx, "Torn waves", [*moving[:2], broken])
    with pytest.raises(ExportError, match=r"^Sticker 3 \(“Torn”\) cannot be made for Signal"):
        export_pack(ctx, "Torn waves", "signal", tmp_path / "sig")
    assert not (tmp_path / "sig").exists()


def test_a_video_set_uploads_its_webm_stickers_as_video(library, monkeypatch):
    from test_telegram_upload import API_URL_ENV, OWNER, TOKEN, TOKEN_ENV, FakeBotApi, bot

    ctx, moving, still = library
    pack = _pack(ctx, "Upload waves", [*moving[:2], still])
    api = FakeBotApi()
    try:
        monkeypatch.setenv(API_URL_ENV, api.url)
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        up = bot().upload(pack, OWNER)
    finally:
        api.close()
    (stickers,) = api.sets.values()
    assert up.added == 3 and [s["format"] for s in stickers] == ["video", "video", "static"]
    with av.open(io.BytesIO(api.files[stickers[0]["sticker"]])) as box:
        assert box.streams.video[0].codec_context.name == "vp9"
