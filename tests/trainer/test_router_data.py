"""The router's illustration sources: GitHub extraction, held-out sources, held-out art composites.

Tests that need the fetched sources (``.cache/sources``, ``../shared/realgt``)
skip when they are absent; the GitHub reader is tested on a real git repo
made here.
"""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from trainer.data import github
from trainer.data.artsources import HELDOUT_ORIGINS, REALGT, heldout
from trainer.data.fetch import DEFAULT_ROOT

ROOT = Path(__file__).resolve().parents[2]
needs_sources = pytest.mark.skipif(not (DEFAULT_ROOT / "flare-game" / ".done").exists()
                                   or not (DEFAULT_ROOT / "renpy-thequestion" / ".done").exists(),
                                   reason="held-out sources not fetched (python -m trainer.data.fetch)")


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_github_extract_reads_the_pinned_commit_and_skips_a_missing_mirror(tmp_path):
    work = tmp_path / "work"
    (work / "art").mkdir(parents=True)
    Image.new("RGB", (8, 8), (255, 0, 0)).save(work / "art" / "a.png")
    (work / "README.md").write_text("x")
    _git(work, "init", "-q")
    _git(work, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(work, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "one")
    first = _git(work, "rev-parse", "HEAD")
    Image.new("RGB", (8, 8), (0, 0, 255)).save(work / "art" / "a.png")
    Image.new("RGB", (8, 8)).save(work / "art" / "b.png")
    _git(work, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "two")
    mirror = tmp_path / "mirror" / "me+art"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror / "repo")], check=True)

    n = github.extract(github.Repo("me/art", first, r"^art/", "CC0"), tmp_path / "out", tmp_path / "mirror",
                       log=lambda m: None)
    assert n == 1  # b.png came later; README is no image
    got = np.asarray(Image.open(tmp_path / "out" / "github" / "me+art" / "art" / "a.png"))
    assert tuple(got[0, 0]) == (255, 0, 0)  # the pinned commit's pixels, not the newest
    messages = []
    assert github.extract(github.Repo("me/gone", first, ".", "?"), tmp_path / "out2", tmp_path / "mirror",
                          log=messages.append) == 0
    assert messages and "skipped" in messages[0]


def test_cut_tiles_splits_a_strip_into_pictures(tmp_path):
    strip = np.zeros((100, 300, 3), np.uint8)
    strip[:, 100:200] = 255
    Image.fromarray(strip).save(tmp_path / "s.png")
    n = github.cut_tiles(tmp_path, tmp_path / "tiles", ("s.png", "missing.png"))
    assert n == 3
    middle = np.asarray(Image.open(tmp_path / "tiles" / "s-t1.png"))
    assert middle.shape[:2] == (92, 92) and middle.min() == 255


@needs_sources
def test_heldout_sources_are_disjoint_from_every_training_pool():
    from trainer.classifier.heldout import check_disjoint
    from trainer.data.artsources import router_catalog

    catalog = router_catalog(DEFAULT_ROOT)
    items = heldout(DEFAULT_ROOT)
    assert items["flare-portraits"] and items["thequestion"]
    assert not [s.id for s in catalog.all() if s.origin in HELDOUT_ORIGINS]
    check_disjoint(catalog, items)  # raises on any shared file
    train_paths = {s.path for s in catalog.all()}
    assert not train_paths & {r.path for rows in items.values() for r in rows}
    if items["realgt-eval"]:
        with open(REALGT / "manifest.csv", newline="", encoding="utf-8") as fh:
            eval_stems = {r["stem"] for r in csv.DictReader(fh) if r["split"] == "eval"}
        assert {r.id.split(":", 1)[1] for r in items["realgt-eval"]} == eval_stems
        assert not {s.id.split(":", 1)[1] for s in catalog.router_photos if s.origin == "realgt"} & eval_stems


@needs_sources
def test_heldout_art_composites_have_exact_masks(tmp_path):
    from trainer.data.heldout_art import build_heldout_art

    out = build_heldout_art(tmp_path / "art", n=6, log=lambda m: None)
    with open(out / "manifest.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    for r in rows:
        assert set(r["source"].split("+")) <= {"flare-portraits", "thequestion"}
        assert r["licence"]
        img = np.asarray(Image.open(out / "images" / f"{r['name']}.png"))
        mask = np.asarray(Image.open(out / "masks" / f"{r['name']}.png"))
        assert img.shape[:2] == mask.shape and img.shape[2] == 3
        assert set(np.unique(mask)) == {0, 255}
        assert 0.02 < (mask == 255).mean() < 0.95
    stamp = (out / "stamp.json").stat().st_mtime_ns
    assert build_heldout_art(out, n=6, log=lambda m: None) == out
    assert (out / "stamp.json").stat().st_mtime_ns == stamp  # reused, not rebuilt


def test_heldout_art_skips_when_sources_are_missing(tmp_path):
    from trainer.data.heldout_art import build_heldout_art

    messages = []
    out = build_heldout_art(tmp_path / "art", n=4, sources=tmp_path / "nothing", log=messages.append)
    assert out == tmp_path / "art" and not (out / "manifest.csv").exists()
    assert messages and "skipped" in messages[0]
