"""Pack export with stickers made from real photos by the real pipeline, checked as each platform would."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest
from PIL import Image

from stickerstudio_desktop.errors import ConfigError, ExportError
from stickerstudio_desktop.jobs.packs import add_to_pack, export_pack
from stickerstudio_desktop.packs.platforms import get_platform
from stickerstudio_desktop.packs.webp_exif import read_sticker_json
from stickerstudio_desktop.sticker.presets import encode_sticker


def nothing_written(folder):
    return not any(folder.iterdir()) if folder.exists() else True


def test_a_pack_of_real_photos_exports_to_whatsapp_and_passes_every_rule(made, new_pack, tmp_path):
    ctx, entries = made
    pack = new_pack("Real photos", 5, publisher="Sticker Studio tests")
    ctx.library.packs.set_accessibility_text(pack.name, entries[0].id, "A cat on a sofa, saying good morning")
    ctx.library.packs.set_tray(pack.name, entries[2].id)
    target = tmp_path / "out" / "real.wastickers"
    result = export_pack(ctx, pack.name, "whatsapp", target)
    assert result.path == target and len(result.stickers) == 5
    assert sorted(p.name for p in target.parent.iterdir()) == ["real.wastickers"]  # no temp files left
    with zipfile.ZipFile(target) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    assert files["title.txt"].decode() == "Real photos" and files["author.txt"].decode() == "Sticker Studio tests"
    contents = json.loads(files["contents.json"])
    (sp,) = contents["sticker_packs"]
    assert {"identifier", "name", "publisher", "tray_image_file", "animated_sticker_pack", "stickers"} <= set(sp)
    assert (sp["name"], sp["publisher"], sp["animated_sticker_pack"]) == ("Real photos", "Sticker Studio tests", False)
    assert sp["identifier"] == pack.identifier and 0 < len(sp["identifier"]) <= 128
    assert 3 <= len(sp["stickers"]) <= 30
    assert [s["image_file"] for s in sp["stickers"]] == [f"0{i}.webp" for i in range(1, 6)]
    for s in sp["stickers"]:
        assert set(s) == {"image_file", "emojis", "accessibility_text"}
        data = files[s["image_file"]]
        assert len(data) <= 100 * 1024
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            assert (im.format, im.size, im.mode) == ("WEBP", (512, 512), "RGBA")
            assert not getattr(im, "is_animated", False)
        assert 1 <= len(s["emojis"]) <= 3 and len(s["accessibility_text"]) <= 125
        exif = read_sticker_json(data)
        assert exif["emojis"] == s["emojis"] and exif["sticker-pack-id"] == sp["identifier"]
    assert sp["stickers"][0]["emojis"] == ["☕", "👍", "☀️"]  # suggested from "Good morning ☕"
    assert sp["stickers"][0]["accessibility_text"] == "A cat on a sofa, saying good morning"
    tray = files[sp["tray_image_file"]]
    with Image.open(io.BytesIO(tray)) as im:
        assert (im.format, im.size) == ("PNG", (96, 96)) and len(tray) <= 50 * 1024
    # the library's own WhatsApp WebPs already fit, so they go in as made (plus their EXIF)
    assert result.reencoded == 0


def test_stickers_saved_for_another_preset_are_re_encoded_to_fit(made, new_pack, tmp_path, photos):
    ctx, entries = made
    big = photos[0].read_bytes()
    with Image.open(photos[0]) as im:  # a full-size photo as its own sticker: far over 100 KB as it is
        w, h = im.size
        master = io.BytesIO()
        im.convert("RGBA").save(master, "PNG")
    photo_entry = ctx.library.add(kind="sticker", data=big, fmt="jpeg", width=w, height=h, title="Photo",
                                  master_png=master.getvalue())
    pack = new_pack("Mixed sources", 3, publisher="P")
    add_to_pack(ctx, pack.name, [photo_entry], ["📷"])
    result = export_pack(ctx, pack.name, "whatsapp", tmp_path / "m.wastickers")
    assert [s.reencoded for s in result.stickers] == [False, False, False, True]
    with zipfile.ZipFile(tmp_path / "m.wastickers") as zf:
        data = zf.read(result.stickers[3].file_name)
    assert len(data) <= 100 * 1024 and Image.open(io.BytesIO(data)).size == (512, 512)


def test_telegram_export_is_512_px_within_512_kb_with_an_emoji_list(made, new_pack, tmp_path):
    ctx, entries = made
    new_pack("Tele", 4)
    out = tmp_path / "tg"
    result = export_pack(ctx, "Tele", "telegram", out)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["01.webp", "02.webp", "03.webp", "04.webp", "emoji.txt", "title.txt"]
    assert result.reencoded == 0  # the library's 512×512 WebPs already meet Telegram's rules
    for name in names[:4]:
        data = (out / name).read_bytes()
        with Image.open(io.BytesIO(data)) as im:
            assert im.format in ("PNG", "WEBP") and max(im.size) == 512 and min(im.size) <= 512
        assert len(data) <= 512 * 1024
    emojis = json.loads((out / "emoji.txt").read_text())
    assert set(emojis) == {"01", "02", "03", "04"} and all(emojis.values())
    small = encode_sticker(entries[1].image(), "discord")  # 320×320: Telegram needs a 512 side
    entry = ctx.library.add(kind="sticker", data=small.data, fmt="png", width=320, height=320, title="small")
    add_to_pack(ctx, "Tele", [entry], ["🐱"])
    result = export_pack(ctx, "Tele", "telegram", tmp_path / "tg2")
    assert [s.reencoded for s in result.stickers] == [False] * 4 + [True]
    with Image.open(tmp_path / "tg2" / result.stickers[4].file_name) as im:
        assert max(im.size) == 512


def test_signal_export_is_within_512_px_and_300_kib(made, new_pack, tmp_path):
    ctx, _ = made
    new_pack("Sig", 7, publisher="Me")
    out = tmp_path / "sig"
    export_pack(ctx, "Sig", "signal", out)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask  # a normal folder, not mkdtemp's private one
    stickers = sorted(p for p in out.iterdir() if p.stem.isdigit())
    assert len(stickers) == 7 and (out / "author.txt").read_text() == "Me"
    for p in stickers:
        with Image.open(p) as im:
            assert max(im.size) <= 512
        assert p.stat().st_size <= 300 * 1024


def refused(ctx, pack, platform, target, match):
    with pytest.raises(ExportError, match=match) as info:
        export_pack(ctx, pack, platform, target)
    assert not target.exists() and nothing_written(target.parent)
    assert str(info.value).count(".") >= 1 and "\n" not in str(info.value)
    return str(info.value)


def test_a_two_sticker_whatsapp_pack_is_refused_and_nothing_is_written(made, new_pack, tmp_path):
    ctx, _ = made
    new_pack("Two", 2, publisher="P")
    refused(ctx, "Two", "whatsapp", tmp_path / "two.wastickers",
            r"^The pack 'Two' has 2 stickers; a WhatsApp pack needs at least 3\.$")


def test_a_31st_sticker_is_refused_by_name(made, new_pack, tmp_path):
    ctx, entries = made
    pack = new_pack("Big", 7, publisher="P")
    data = entries[0].path.read_bytes()
    extra = [ctx.library.add(kind="sticker", data=data, fmt="webp", width=512, height=512, title=f"copy {i}")
             for i in range(24)]
    add_to_pack(ctx, pack.name, extra, ["👍"])
    assert len(ctx.library.packs.get("Big").stickers) == 31
    refused(ctx, "Big", "whatsapp", tmp_path / "big.wastickers",
            r"^Sticker 31 \(“copy 23”\) is one too many: a WhatsApp pack takes at most 30 stickers\.$")
    ctx.library.packs.remove("Big", extra[-1].id)
    assert len(export_pack(ctx, "Big", "whatsapp", tmp_path / "big.wastickers").stickers) == 30


def test_a_missing_emoji_is_refused_by_sticker(made, new_pack, tmp_path):
    ctx, entries = made
    new_pack("NoEmoji", 3, publisher="P")
    ctx.library.packs.set_emojis("NoEmoji", entries[1].id, [])
    refused(ctx, "NoEmoji", "whatsapp", tmp_path / "e.wastickers",
            r"^Sticker 2 \(“Hello!”\) has no emoji; WhatsApp needs 1 to 3 per sticker\.$")
    refused(ctx, "NoEmoji", "telegram", tmp_path / "tg", r"^Sticker 2 .* has no emoji; Telegram needs 1 to 20")
    export_pack(ctx, "NoEmoji", "signal", tmp_path / "sig")  # Signal does not need one


def test_a_mixed_static_and_animated_pack_is_refused(made, new_pack, tmp_path):
    ctx, entries = made
    pack = new_pack("Mixed", 3, publisher="P")
    moving = ctx.library.add(kind="sticker", data=entries[0].path.read_bytes(), fmt="webp", width=512,
                             height=512, title="Wave", meta={"animated": True})
    add_to_pack(ctx, pack.name, [moving], ["👋"])
    refused(ctx, "Mixed", "whatsapp", tmp_path / "x.wastickers",
            r"^Sticker 4 \(“Wave”\) is animated and the others are static; WhatsApp never takes a mixed pack\.$")
    # Signal takes a mixed pack; the "animated" entry here is a one-frame WebP, which passes as a still
    export_pack(ctx, "Mixed", "signal", tmp_path / "sig")


def test_a_sticker_that_cannot_be_read_is_named_and_nothing_is_written(made, new_pack, tmp_path):
    ctx, _ = made
    pack = new_pack("Broken", 3, publisher="P")
    broken = ctx.library.add(kind="sticker", data=b"<html>not an image</html>", fmt="png", width=512,
                             height=512, title="Broken")
    add_to_pack(ctx, pack.name, [broken], ["💥"])
    message = refused(ctx, "Broken", "whatsapp", tmp_path / "b.wastickers",
                      r"^Sticker 4 \(“Broken”\) cannot be made for WhatsApp \(.+\)\.$")
    assert message.count(". ") == 0


def test_pack_details_and_alt_text_are_checked_before_writing(made, new_pack, tmp_path):
    ctx, entries = made
    new_pack("Details", 3)
    refused(ctx, "Details", "whatsapp", tmp_path / "d.wastickers", r"^The pack 'Details' has no publisher; WhatsApp")
    result = export_pack(ctx, "Details", "whatsapp", tmp_path / "d.wastickers", publisher="Given")
    with zipfile.ZipFile(result.path) as zf:
        assert json.loads(zf.read("contents.json"))["sticker_packs"][0]["publisher"] == "Given"
    ctx.library.packs.set_details("Details", publisher="P")
    ctx.library.packs.set_accessibility_text("Details", entries[2].id, "x" * 126)
    refused(ctx, "Details", "whatsapp", tmp_path / "other" / "d.wastickers",
            r"^Sticker 3 .* has 126 characters of accessibility text; WhatsApp allows at most 125\.$")


def test_existing_output_is_kept_unless_overwriting(made, new_pack, tmp_path):
    ctx, _ = made
    new_pack("Keep", 3, publisher="P")
    target = tmp_path / "k.wastickers"
    target.write_bytes(b"keep me")
    with pytest.raises(ExportError, match="already exists"):
        export_pack(ctx, "Keep", "whatsapp", target)
    assert target.read_bytes() == b"keep me"
    export_pack(ctx, "Keep", "whatsapp", target, overwrite=True)
    assert zipfile.is_zipfile(target)
    folder = tmp_path / "tg"
    folder.mkdir()
    (folder / "mine.txt").write_text("mine")
    with pytest.raises(ExportError, match="not an empty folder"):
        export_pack(ctx, "Keep", "telegram", folder)
    assert [p.name for p in folder.iterdir()] == ["mine.txt"]
    with pytest.raises(ExportError, match=r"name it like k\.wastickers"):
        export_pack(ctx, "Keep", "whatsapp", tmp_path / "k.zip")
    with pytest.raises(ConfigError, match="choose one of: whatsapp, telegram, signal"):
        get_platform("icq")
