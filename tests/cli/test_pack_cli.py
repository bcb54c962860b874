"""`stickerstudio make --pack` and `stickerstudio pack …` in-process, on real photos through the real pipeline."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image

from stickerstudio_desktop.cli import main


def show(capsys, name):
    capsys.readouterr()
    assert main(["pack", "show", name, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def trip(photos, capsys):
    """A pack "Trip" of four stickers made from real photos with `make --pack`."""
    assert main(["make", str(photos[0]), str(photos[1]), "--caption", "Hello", "--engine", "u2netp",
                 "--pack", "Trip"]) == 0
    assert main(["make", str(photos[2]), "--caption", "Party", "--engine", "u2netp", "--pack", "Trip",
                 "--emoji", "😀🎉"]) == 0
    assert main(["make", str(photos[3]), "--engine", "u2netp", "--pack", "Trip", "--emoji", "👍",
                 "--emoji", "🔥"]) == 0
    return show(capsys, "Trip")


def test_make_with_pack_saves_to_the_library_and_fills_the_pack(trip, capsys):
    assert [s["emojis"] for s in trip["stickers"]] == [["👋"], ["👋"], ["😀", "🎉"], ["👍", "🔥"]]
    assert [s["position"] for s in trip["stickers"]] == [1, 2, 3, 4]
    assert main(["pack", "list"]) == 0
    assert capsys.readouterr().out == "Trip\t4 stickers\t\n"


def test_export_to_each_platform_from_the_command_line(trip, tmp_path, capsys):
    out = tmp_path / "trip.wastickers"
    assert main(["pack", "export", "Trip", "--to", "whatsapp", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == "error: The pack 'Trip' has no publisher; WhatsApp needs one.\n" and not out.exists()
    assert main(["pack", "export", "Trip", "--to", "whatsapp", "--publisher", "Ann", "-o", str(out)]) == 0
    assert "4 stickers for WhatsApp" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        contents = json.loads(zf.read("contents.json"))["sticker_packs"][0]
        for s in contents["stickers"]:
            data = zf.read(s["image_file"])
            assert Image.open(io.BytesIO(data)).size == (512, 512) and len(data) <= 100 * 1024
    assert contents["publisher"] == "Ann" and contents["name"] == "Trip"
    for platform in ("telegram", "signal"):
        folder = tmp_path / platform
        assert main(["pack", "export", "Trip", "--to", platform, "-o", str(folder)]) == 0
        assert len([p for p in folder.iterdir() if p.stem.isdigit()]) == 4 and (folder / "emoji.txt").is_file()
    assert main(["pack", "export", "Trip", "--to", "signal", "-o", str(tmp_path / "signal")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["pack", "export", "Trip", "--to", "signal", "-o", str(tmp_path / "signal"), "--force"]) == 0


def test_pack_editing_commands(trip, tmp_path, capsys):
    first, second = trip["stickers"][0], trip["stickers"][1]
    assert main(["pack", "create", "Best", "--publisher", "Bo"]) == 0
    assert main(["pack", "add", "Best", first["file"], str(second["id"]), "--emoji", "❤️",
                 "--alt", "Two friends"]) == 0
    best = show(capsys, "Best")
    assert [(s["id"], s["emojis"], s["accessibility_text"]) for s in best["stickers"]] == \
           [(first["id"], ["❤️"], "Two friends"), (second["id"], ["❤️"], "Two friends")]
    assert main(["pack", "sticker", "Best", str(second["id"]), "--position", "1", "--tray", "--emoji", "😎"]) == 0
    best = show(capsys, "Best")
    assert [s["id"] for s in best["stickers"]] == [second["id"], first["id"]] and best["tray"] == second["id"]
    assert best["stickers"][0]["emojis"] == ["😎"]
    assert main(["pack", "rename", "Best", "Better"]) == 0
    assert main(["pack", "edit", "Better", "--identifier", "bo.better"]) == 0
    assert show(capsys, "Better")["identifier"] == "bo.better"
    assert main(["pack", "remove", "Better", str(first["id"])]) == 0
    assert [s["id"] for s in show(capsys, "Better")["stickers"]] == [second["id"]]
    target = tmp_path / "b.wastickers"
    assert main(["pack", "export", "Better", "--to", "whatsapp", "-o", str(target)]) == 1
    assert capsys.readouterr().err == "error: The pack 'Better' has 1 sticker; a WhatsApp pack needs at least 3.\n"
    assert not target.exists()
    assert main(["pack", "delete", "Better"]) == 0
    capsys.readouterr()
    assert main(["pack", "list"]) == 0 and capsys.readouterr().out == "Trip\t4 stickers\t\n"
    assert len(show(capsys, "Trip")["stickers"]) == 4  # other packs and the stickers are untouched


def test_bad_pack_commands_are_one_line_with_the_right_exit_code(trip, tmp_path, capsys, photos):
    capsys.readouterr()
    assert main(["pack", "show", "Nope"]) == 1
    assert capsys.readouterr().err == ("error: There is no sticker pack called 'Nope'; "
                                       "`stickerstudio pack list` shows them.\n")
    assert main(["pack", "add", "Trip", str(photos[0])]) == 1
    assert "is not a file in the sticker library" in capsys.readouterr().err
    assert main(["pack", "sticker", "Trip", str(trip["stickers"][0]["id"]), "--emoji", "x"]) == 2
    assert "--emoji takes emojis" in capsys.readouterr().err
    assert main(["make", str(photos[0]), "--pack", "Trip", "--no-library"]) == 2
    assert main(["make", str(photos[0]), "--emoji", "👍"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["pack", "export", "Trip", "-o", str(tmp_path / "x")])  # no --to
    assert exit_info.value.code == 2
    assert main(["pack", "add", "Ghost", str(trip["stickers"][0]["id"]), "--no-create"]) == 1
