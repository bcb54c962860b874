"""Continue phase 3 of the student build on a borrowed GPU machine with no network.

    here:  .venv/bin/python -m trainer.students.remote pack BUNDLE [--styles normal animated]
    there: python3 BUNDLE/remote.py train BUNDLE --minutes 6.5 --out DIR

Such a machine has torch but none of our packages, cannot download, and takes at most
64 MiB with it. ``pack`` therefore writes a self-contained folder: this file, per style one
tar of its train/val composites re-encoded as WebP (a third of the JPEG bytes) with their
labels, the style's phase-3 checkpoint to start from, ultralytics' own wheels and a font for
its settings folder. ``train`` fine-tunes every style side by side, one process each, for a
fixed time budget (ultralytics' ``time``: the schedule anneals to fit it), and leaves stripped
``student_<style>_{best,last}.pt`` and ``<style>-results.csv`` in ``--out``; copy the
checkpoints into trainer/checkpoints/ and evaluate them as usual. Only the standard library
and ultralytics are imported on that machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

#: Copies of engine.names.STYLES and build.SPECIAL_IMGSZ: this file runs alone on the borrowed
#: machine, without the project (a test checks they agree).
STYLES = ("normal", "animated")
IMGSZ = 416
#: Longer than phase 3 on a CPU (tens of epochs, not 6), so a little more learning rate and
#: more mosaic-free epochs at the end; the rest is phase 3's SPECIAL_HYP.
GPU_HYP = dict(optimizer="AdamW", lr0=0.001, lrf=0.05, warmup_epochs=0.3, warmup_bias_lr=0.0,
               close_mosaic=8, cache="ram")
WHEELS = ("ultralytics==8.4.190", "ultralytics-thop==2.2.3")


def pack(bundle: Path, styles: list[str], quality: int = 78, *, students: Path | None = None,
         checkpoints: Path | None = None, wheels: bool = True) -> int:
    """Write the bundle; returns its size in bytes (the transfer limit is 64 MiB with the repository)."""
    import cv2

    from stickerstudio_desktop.config.paths import ROOT_DIR
    from stickerstudio_desktop.errors import ConfigError

    from .build import CHECKPOINTS
    from .data import DATA_DIR, style_dir

    bundle.mkdir(parents=True, exist_ok=True)
    shutil.copy2(__file__, bundle / "remote.py")
    shutil.copy2(ROOT_DIR / "fonts" / "NotoSans-Bold.ttf", bundle / "font.ttf")
    if wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(bundle / "wheels"),
                        *WHEELS], check=True)
    for style in styles:
        src = style_dir(students or DATA_DIR, style)
        shutil.copy2((checkpoints or CHECKPOINTS) / f"student_{style}_best.pt", bundle / f"{style}-start.pt")
        with tarfile.open(bundle / f"{style}.tar", "w:gz") as tar:  # gzip: labels are text
            for split in ("train", "val"):
                for img in sorted((src / "images" / split).glob("*.jpg")):
                    pixels = cv2.imread(str(img))
                    if pixels is None:
                        raise ConfigError(f"{img} is not a readable image; rebuild the student data.")
                    webp = cv2.imencode(".webp", pixels, [cv2.IMWRITE_WEBP_QUALITY, quality])[1]
                    label = src / "labels" / split / f"{img.stem}.txt"
                    _add(tar, f"images/{split}/{img.stem}.webp", webp.tobytes())
                    _add(tar, f"labels/{split}/{img.stem}.txt", label.read_bytes())
        print(f"{style}: {(bundle / f'{style}.tar').stat().st_size / 1e6:.1f} MB")
    total = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
    print(f"bundle: {total / 2**20:.1f} MiB in {bundle}")
    return total


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def train(bundle: Path, out: Path, minutes: float, batch: int, close_mosaic: int = GPU_HYP["close_mosaic"]) -> int:
    """One process per style, side by side; returns how many failed."""
    out.mkdir(parents=True, exist_ok=True)
    styles = [s for s in STYLES if (bundle / f"{s}.tar").is_file()]
    workers = max(2, (os.cpu_count() or 4) // len(styles) - 1)
    procs = [subprocess.Popen([sys.executable, __file__, "fit", str(bundle), s, str(out), str(minutes),
                               str(batch), str(workers), str(close_mosaic)]) for s in styles]
    return sum(p.wait() != 0 for p in procs)


def fit(bundle: Path, style: str, out: Path, minutes: float, batch: int, workers: int, close_mosaic: int) -> None:
    work = Path(tempfile.mkdtemp(prefix=f"student-{style}-"))
    try:
        _fit(work, bundle, style, out, minutes, batch, workers, close_mosaic)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fit(work: Path, bundle: Path, style: str, out: Path, minutes: float, batch: int, workers: int,
         close_mosaic: int) -> None:
    with tarfile.open(bundle / f"{style}.tar") as tar:
        tar.extractall(work / "data", filter="data")
    yaml = work / "data" / "data.yaml"
    yaml.write_text(f"path: {work / 'data'}\ntrain: images/train\nval: images/val\nnames:\n  0: subject\n")
    # trainer/offline.py does this for the project; this file must run without the project's packages
    settings = work / "settings"
    (settings / "Ultralytics").mkdir(parents=True, exist_ok=True)
    shutil.copy2(bundle / "font.ttf", settings / "Ultralytics" / "Arial.ttf")
    os.environ.update(YOLO_CONFIG_DIR=str(settings), YOLO_OFFLINE="1", YOLO_AUTOINSTALL="False")

    from ultralytics import YOLO
    from ultralytics.engine.trainer import BaseTrainer
    from ultralytics.utils import SETTINGS
    from ultralytics.utils.torch_utils import strip_optimizer

    BaseTrainer.read_results_csv = _read_results_csv  # polars, which ultralytics reads it with, is not there
    SETTINGS.update({k: False for k in ("mlflow", "tensorboard", "wandb", "clearml", "comet", "dvc", "neptune",
                                        "raytune", "hub", "sync") if k in SETTINGS})
    best_seen = [float("-inf")]
    started = time.time()

    def on_epoch(trainer) -> None:
        m = trainer.metrics or {}
        print(f"{style} epoch {trainer.epoch + 1}/{trainer.epochs} ({time.time() - started:.0f} s): "
              f"seg mAP50-95 {m.get('metrics/mAP50-95(M)', float('nan')):.4f}", flush=True)
        if trainer.best.is_file() and trainer.best_fitness is not None and trainer.best_fitness > best_seen[0]:
            best_seen[0] = float(trainer.best_fitness)  # a kill at the time limit still leaves the best so far
            strip_optimizer(trainer.best, s=str(out / f"student_{style}_best.pt"))

    model = YOLO(str(bundle / f"{style}-start.pt"), task="segment")
    model.add_callback("on_fit_epoch_end", on_epoch)
    model.train(data=str(yaml), epochs=300, time=minutes / 60, imgsz=IMGSZ, batch=batch, workers=workers,
                device=0 if _cuda() else "cpu", amp=False, plots=False, verbose=False, project=str(work),
                name="train", exist_ok=True, seed=0, deterministic=False, pretrained=True,
                **{**GPU_HYP, "close_mosaic": close_mosaic})
    weights = work / "train" / "weights"
    for name in ("best", "last"):
        if (weights / f"{name}.pt").is_file():
            shutil.copy2(weights / f"{name}.pt", out / f"student_{style}_{name}.pt")  # stripped by now
    shutil.copy2(work / "train" / "results.csv", out / f"{style}-results.csv")


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _read_results_csv(self) -> dict:
    with open(self.csv, newline="") as f:
        rows = list(csv.DictReader(f))
    return {k.strip(): [float(r[k]) for r in rows] for k in (rows[0] if rows else {})}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("bundle", type=Path)
    p.add_argument("--styles", nargs="+", choices=STYLES, default=list(STYLES))
    p.add_argument("--quality", type=int, default=78, help="WebP quality of the re-encoded composites")
    t = sub.add_parser("train")
    t.add_argument("bundle", type=Path)
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--minutes", type=float, default=6.5, help="training time per style (they run side by side)")
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--close-mosaic", type=int, default=GPU_HYP["close_mosaic"],
                   help="last epochs without mosaic (a CPU run of a few epochs wants 1)")
    f = sub.add_parser("fit")  # one style; started by train
    for name, kind in (("bundle", Path), ("style", str), ("out", Path), ("minutes", float), ("batch", int),
                       ("workers", int), ("close_mosaic", int)):
        f.add_argument(name, type=kind)
    args = ap.parse_args(argv)
    if args.cmd == "pack":
        from stickerstudio_desktop.errors import ConfigError

        try:
            pack(args.bundle, args.styles, args.quality)
        except (ConfigError, OSError, subprocess.CalledProcessError) as exc:
            print(f"Could not pack the bundle: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.cmd == "train":
        return train(args.bundle.resolve(), args.out.resolve(), args.minutes, args.batch, args.close_mosaic)
    fit(args.bundle, args.style, args.out, args.minutes, args.batch, args.workers, args.close_mosaic)
    return 0


if __name__ == "__main__":
    sys.exit(main())
