"""The `stickerstudio` command line, in-process and as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stickerstudio_desktop.cli import main
from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.library import Library


def test_make_whatsapp_sticker_from_a_photo(photos, tmp_path, capsys):
    out = tmp_path / "s.webp"
    assert main(["make", str(photos[0]), "--caption", "Hello", "--preset", "whatsapp", "-o", str(out)]) == 0
    im = Image.open(out)
    assert (im.format, im.size, im.mode) == ("WEBP", (512, 512), "RGBA")
    assert out.stat().st_size <= 100 * 1024
    a = np.asarray(im)[..., 3]
    assert a[0, 0] == a[0, -1] == a[-1, 0] == a[-1, -1] == 0
    assert "512x512 WEBP" in capsys.readouterr().out
    (entry,) = Library(app_paths().library).items()
    assert entry.meta["caption"] == "Hello" and entry.meta["preset"] == "whatsapp"
    assert entry.meta["engine"] and set(entry.meta["timings_ms"]) >= {"load", "segment", "compose", "export"}


def test_batch_goes_on_past_bad_files(photos, tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(photos[0], src / "a.jpg")
    (src / "b.png").write_text("<html>nope</html>")
    (src / "c.jpg").write_bytes(photos[1].read_bytes()[:500])
    shutil.copy(photos[1], src / "d.jpg")
    code = main(["make", str(src), "--preset", "discord", "-o", str(tmp_path / "out"), "--no-library"])
    err = capsys.readouterr().err
    assert code == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "d.png"]
    lines = [l for l in err.splitlines() if l.startswith("error:")]
    assert len(lines) == 2 and "b.png" in lines[0] and "c.jpg" in lines[1]
    assert "2 of 4 succeeded, 2 failed." in err
    assert "Traceback" not in err


def test_existing_output_is_not_overwritten_without_force(photos, tmp_path, capsys):
    out = tmp_path / "s.png"
    out.write_bytes(b"keep me")
    assert main(["make", str(photos[0]), "--preset", "png", "-o", str(out), "--no-library"]) == 1
    assert out.read_bytes() == b"keep me"
    assert "already exists" in capsys.readouterr().err
    assert main(["make", str(photos[0]), "--preset", "png", "-o", str(out), "--no-library", "--force"]) == 0
    assert Image.open(out).format == "PNG"


def test_mask_folder_writes_8bit_masks_at_input_size(photos, tmp_path):
    assert main(["mask", str(photos[0]), str(photos[1]), "-o", str(tmp_path / "m"), "--engine", "u2netp"]) == 0
    for p in photos[:2]:
        m = Image.open(tmp_path / "m" / f"{p.stem}.png")
        assert m.mode == "L" and m.size == Image.open(p).size


def test_mask_clicks_fix_the_cut_out_in_the_order_given(photos, tmp_path, capsys):
    photo = photos[0]
    w, h = Image.open(photo).size
    base = ["mask", str(photo), "--engine", "u2netp", "--subjects", "auto"]
    assert main([*base, "-o", str(tmp_path / "a")]) == 0
    auto = np.asarray(Image.open(tmp_path / "a" / f"{photo.stem}.png")) >= 128
    ys, xs = np.nonzero(auto)
    inside = f"{xs[len(xs) // 2]},{ys[len(ys) // 2]}"  # a point of the subject
    assert main([*base, "--exclude", inside, "-o", str(tmp_path / "b")]) == 0
    removed = np.asarray(Image.open(tmp_path / "b" / f"{photo.stem}.png")) >= 128
    assert removed.sum() < auto.sum()
    # The same two points the other way round end where the last one says.
    assert main([*base, "--exclude", inside, "--include", inside, "-o", str(tmp_path / "c")]) == 0
    again = np.asarray(Image.open(tmp_path / "c" / f"{photo.stem}.png")) >= 128
    x, y = (int(v) for v in inside.split(","))
    assert again[y, x] and not removed[y, x]
    capsys.readouterr()
    assert main([*base, "--include", f"{w},{h // 2}", "-o", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: The point {w},{h // 2} is outside the image ({w}×{h} pixels)."
    assert not list((tmp_path / "d").glob("*.png"))  # nothing half-written
    assert main([*base, "--include", "12;40", "-o", str(tmp_path / "e")]) == 2
    assert "--include takes a point as X,Y" in capsys.readouterr().err


def test_make_takes_the_same_clicks(photos, tmp_path, capsys):
    photo = photos[0]
    w, h = Image.open(photo).size
    out = tmp_path / "fixed.png"
    argv = ["make", str(photo), "--engine", "u2netp", "--preset", "png", "--no-library", "-o", str(out)]
    assert main([*argv, "--exclude", f"{w // 2},{h // 2}"]) == 0
    assert Image.open(out).mode == "RGBA"
    capsys.readouterr()
    assert main([*argv, "--include", f"{w + 5},1"]) == 2
    assert "is outside the image" in capsys.readouterr().err
    assert main(["make", str(photos[0]), str(photos[1]), "--include", "1,1", "--no-library"]) == 2
    assert "exactly one" in capsys.readouterr().err


def test_classify_prints_json_lines(photos, capsys):
    assert main(["classify", str(photos[0].parent)]) == 0
    rows = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(list(photos[0].parent.glob("*.jpg")))
    assert all(r["style"] in ("animated", "normal") and 0.5 <= r["score"] <= 1 for r in rows)
    assert [r["style"] for r in rows].count("normal") >= len(rows) - 1  # real photos


def test_classify_tells_cartoons_from_photos():
    import contextlib
    import io

    from tests.conftest import ROOT

    sample = ROOT / "tests" / "data" / "style_eval"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["classify", str(sample)])
    rows = [json.loads(l) for l in buf.getvalue().splitlines()]
    right = sum(Path(r["path"]).name.startswith(r["style"]) for r in rows)
    assert len(rows) >= 40 and right / len(rows) >= 0.9


def test_fonts_and_models(capsys):
    assert main(["fonts"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) >= 5
    assert main(["models", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} >= {"u2net", "u2netp", "yolo_normal"}
    assert all(r["status"].startswith(("ok", "not bundled")) for r in rows)
    assert main(["models"]) == 0
    from stickerstudio_desktop.engine.manifest import load_manifest

    routing = " · ".join(f"{k} → {v}" for k, v in load_manifest().routing.items())
    out = capsys.readouterr().out
    assert f"auto runs: {routing}" in out and "normal → " in routing  # the bundled table
    assert "cascade: u2netp, and u2net where u2netp is unsure (empty > " in out  # what the cascade route runs


@pytest.mark.parametrize("argv,code,needle", [
    (["make"], 2, "give at least one image"),
    (["make", "x.jpg", "--subjects", "first"], 2, "--subjects"),
    (["make", "x.jpg", "--color", "blue"], 2, "not a colour"),
    (["make", "x.jpg", "--preset", "myspace"], 2, "Unknown export preset"),
    (["make", "x.jpg", "--font", "Papyrus"], 2, "Papyrus"),
])
def test_usage_errors_exit_2_with_one_line(argv, code, needle, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_real_process_exit_codes_and_no_traceback(photos, tmp_path):
    env = {**os.environ, "STICKERSTUDIO_HOME": str(tmp_path / "home")}
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"")
    run = subprocess.run([sys.executable, "-m", "stickerstudio_desktop.cli", "make", str(bad)],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "bad.jpg" in run.stderr
    run = subprocess.run([sys.executable, "-m", "stickerstudio_desktop.cli", "make", "--bogus"],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 2


def test_make_from_a_prompt_with_a_local_stable_diffusion_server(sd_server, tmp_path, monkeypatch, capsys):
    """`make --prompt` against a real AUTOMATIC1111-style server on 127.0.0.1."""
    monkeypatch.setenv("STICKERSTUDIO_SD_URL", sd_server["url"])
    monkeypatch.delenv("STABILITY_API_KEY", raising=False)
    monkeypatch.delenv("MODELSLAB_API_KEY", raising=False)
    out = tmp_path / "panda.webp"
    code = main(["make", "--prompt", "a panda drinking tea", "--provider", "local", "--seed", "7",
                 "--caption", "tea?", "-o", str(out)])
    seen = sd_server["requests"]
    assert code == 0, capsys.readouterr().err
    assert [p for p, _ in seen] == ["/sdapi/v1/txt2img"]
    assert "a panda drinking tea" in seen[0][1]["prompt"] and seen[0][1]["seed"] == 7
    assert Image.open(out).size == (512, 512)
    lib = Library(app_paths().library)
    (gen,) = lib.items(kind="generated")
    assert gen.meta["provider"] == "local" and gen.meta["seed"] == 7
    assert len(lib.items()) == 1


def test_prompt_with_nothing_configured_says_what_to_set(monkeypatch, capsys):
    for var in ("STABILITY_API_KEY", "MODELSLAB_API_KEY", "STICKERSTUDIO_SD_URL"):
        monkeypatch.delenv(var, raising=False)
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert main(["make", "--prompt", "a panda"]) == 1
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert "STABILITY_API_KEY" in err and len(err.strip().splitlines()) == 1


def test_selftest_passes_and_fails_with_a_reason(tmp_path, monkeypatch, capsys):
    assert main(["--selftest"]) == 0
    assert "selftest passed" in capsys.readouterr().out
    monkeypatch.setenv("STICKERSTUDIO_MODEL_CACHE", str(tmp_path / "nothing-here"))
    assert main(["--selftest"]) == 1
    assert "u2net is missing" in capsys.readouterr().err


def test_every_hostile_file_gets_one_line_and_the_batch_goes_on(tmp_path, capsys):
    """The imaging corpus through `stickerstudio classify` (same load path as `make`)."""
    from tests.imaging.hostile_corpus import CASES, write_corpus

    paths = write_corpus(tmp_path)
    cases = [c for c in CASES if not paths[c.name].is_dir()]  # a folder argument means "its images"
    code = main(["classify", *[str(paths[c.name]) for c in cases]])
    out, err = capsys.readouterr()
    bad = [c for c in cases if not c.ok]
    errors = [l for l in err.splitlines() if l.startswith("error:")]
    assert code == 1 and "Traceback" not in err
    assert len(errors) == len(bad) and len(out.splitlines()) == len(cases) - len(bad)
    assert f"{len(cases) - len(bad)} of {len(cases)} succeeded, {len(bad)} failed." in err


def test_a_corrupt_settings_file_is_one_warning_and_the_defaults(tmp_path, capsys):
    home = tmp_path / "h"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text('{"preset": ')
    assert main(["--home", str(home), "fonts"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: ") and "defaults" in err[0]
    assert len(list((home / "config").glob("settings.json.bad-*"))) == 1
