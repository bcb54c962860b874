"""The GPU bundle: packed here, trained by its own copy of remote.py with no polars and no project code."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import cv2
import numpy as np
import torch
from test_loop_support import ROOT

from trainer.students.data import style_dir
from trainer.students.remote import pack


def _students(root: Path) -> Path:
    """A tiny animated style folder: two train and one val image with exact polygon labels."""
    folder = style_dir(root, "animated")
    for split, n in (("train", 2), ("val", 1)):
        (folder / "images" / split).mkdir(parents=True)
        (folder / "labels" / split).mkdir(parents=True)
        for i in range(n):
            img = np.full((240, 320, 3), (40 + 60 * i, 160, 220), np.uint8)
            cv2.circle(img, (150 + 20 * i, 120), 70, (30, 200, 60), -1)
            cv2.imwrite(str(folder / "images" / split / f"a-{split}-{i}.jpg"), img)
            angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
            pts = np.stack([(150 + 20 * i + 70 * np.cos(angles)) / 320, (120 + 70 * np.sin(angles)) / 240], 1)
            (folder / "labels" / split / f"a-{split}-{i}.txt").write_text(
                "0 " + " ".join(f"{v:.5f}" for v in pts.ravel()) + "\n")
    return root


def test_pack_reencodes_the_composites_and_keeps_their_labels(tmp_path):
    students = _students(tmp_path / "students")
    ckpts = tmp_path / "ckpts"
    ckpts.mkdir()
    (ckpts / "student_animated_best.pt").write_bytes(b"weights")
    size = pack(tmp_path / "bundle", ["animated"], 70, students=students, checkpoints=ckpts, wheels=False)
    bundle = tmp_path / "bundle"
    assert (bundle / "remote.py").read_bytes() == (ROOT / "trainer" / "students" / "remote.py").read_bytes()
    assert (bundle / "animated-start.pt").read_bytes() == b"weights" and not (bundle / "normal.tar").exists()
    with tarfile.open(bundle / "animated.tar") as tar:
        names = sorted(tar.getnames())
        assert names == ["images/train/a-train-0.webp", "images/train/a-train-1.webp", "images/val/a-val-0.webp",
                         "labels/train/a-train-0.txt", "labels/train/a-train-1.txt", "labels/val/a-val-0.txt"]
        webp = cv2.imdecode(np.frombuffer(tar.extractfile("images/val/a-val-0.webp").read(), np.uint8), 1)
        label = tar.extractfile("labels/train/a-train-1.txt").read()
    original = cv2.imread(str(style_dir(students, "animated") / "images" / "val" / "a-val-0.jpg"))
    assert webp.shape == original.shape and np.abs(webp.astype(int) - original).mean() < 4
    assert label == (style_dir(students, "animated") / "labels" / "train" / "a-train-1.txt").read_bytes()
    assert size == sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())


def test_the_bundle_trains_where_only_torch_and_ultralytics_exist(tmp_path):
    """Run as on the GPU machine: the bundle's own copy of remote.py, with polars unimportable."""
    students = _students(tmp_path / "students")
    pack(tmp_path / "bundle", ["animated"], 90, students=students, wheels=False)
    blocker = tmp_path / "site" / "polars"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('polars is not on that machine')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "CUDA_VISIBLE_DEVICES": ""}
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(tmp_path / "bundle" / "remote.py"), "train", str(tmp_path / "bundle"),
                           "--minutes", "0.01", "--out", str(out), "--batch", "2"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "animated epoch 1/" in done.stdout
    for name in ("best", "last"):
        state = torch.load(out / f"student_animated_{name}.pt", map_location="cpu", weights_only=False)
        assert state["optimizer"] is None and state["train_args"]["imgsz"] == 416  # stripped, ready to commit
    assert (out / "animated-results.csv").read_text().startswith("epoch")


def test_the_standalone_copies_of_project_constants_agree():
    """remote.py runs without the project, so it repeats two constants; they must not drift."""
    from stickerstudio_desktop.engine.names import STYLES
    from trainer.students import remote
    from trainer.students.build import SPECIAL_IMGSZ

    assert remote.STYLES == STYLES and remote.IMGSZ == SPECIAL_IMGSZ
