"""Fine-tune YOLOv8n-seg with ultralytics from the current champion's checkpoint.

Starts from, in order: the promoted champion's ``.pt`` (kept in the trainer
dir), a ``yolov8n-seg.pt`` the user placed in the trainer dir, the style's
bundled student checkpoint (``trainer/checkpoints/student_<style>_best.pt``,
else the shared ``student_best.pt``, in the shipped tree when present), or
the architecture ``yolov8n-seg.yaml`` (random weights; nothing is downloaded). A training
killed part-way leaves ``last.pt`` in the style's work dir; the next run
resumes from it when it is resumable, and starts fresh otherwise.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from stickerstudio_desktop.config.paths import bundled

from .faults import pause_point
from .offline import prepare_ultralytics

log = logging.getLogger(__name__)

ARCH = "yolov8n-seg.yaml"
LOCAL_PRETRAINED = "yolov8n-seg.pt"
CHECKPOINTS = ("trainer", "checkpoints")

#: (epoch, metrics); epoch -1 carries the final validation of the best checkpoint ("best/..." keys).
EpochCallback = Callable[[int, dict[str, float]], None]


@dataclass
class TrainOutcome:
    best: Path
    last: Path
    base: str
    device: str
    resumed: bool
    epochs: list[dict[str, float]] = field(default_factory=list)


def pick_device(choice: str = "auto") -> str:
    """"0" (first CUDA GPU) when asked for or available, else "cpu"."""
    if choice == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "0"
    if choice == "cuda":
        log.warning("CUDA was requested but no GPU is available; training on the CPU.")
    return "cpu"


def base_weights(champion_ckpt: Path | None, trainer_dir: Path, style: str) -> str:
    for candidate in (champion_ckpt, Path(trainer_dir) / LOCAL_PRETRAINED,
                      bundled(*CHECKPOINTS, f"student_{style}_best.pt"), bundled(*CHECKPOINTS, "student_best.pt")):
        if candidate and candidate.is_file():
            return str(candidate)
    return ARCH


def metric_key(key: str) -> str:
    """MLflow metric names allow no parentheses: ``metrics/mAP50(M)`` → ``metrics/mAP50_M``."""
    return key.replace("(", "_").replace(")", "")


def _resumable(last: Path) -> bool:
    if not last.is_file():
        return False
    import torch

    try:
        ckpt = torch.load(last, map_location="cpu", weights_only=False)
    except Exception:
        return False
    return isinstance(ckpt, dict) and int(ckpt.get("epoch", -1)) >= 0 and ckpt.get("optimizer") is not None


def finetune(*, data_yaml: Path, base: str, work_dir: Path, trainer_dir: Path, epochs: int, imgsz: int,
             batch: int, workers: int, device: str, on_epoch: EpochCallback | None = None,
             hyp: dict | None = None, stop_after: int | None = None) -> TrainOutcome:
    """Train into ``work_dir/train``; returns its best/last checkpoints and per-epoch metrics.

    ``hyp`` adds ultralytics hyperparameters to a fresh run (a resumed run keeps its own);
    ``stop_after`` ends the run after that many epochs of its schedule, leaving a resumable last.pt.
    """
    prepare_ultralytics(trainer_dir)
    from ultralytics import YOLO

    run_dir = Path(work_dir) / "train"
    last = run_dir / "weights" / "last.pt"
    resumed = _resumable(last)
    if not resumed and run_dir.exists():
        shutil.rmtree(run_dir)  # our own scratch output from an earlier run
    epochs_seen: list[dict[str, float]] = []

    def _epoch_end(trainer) -> None:
        val = {metric_key(k): float(v) for k, v in (trainer.metrics or {}).items()}
        if trainer.epoch >= trainer.epochs:  # ultralytics' closing validation of best.pt
            if on_epoch:
                on_epoch(-1, {f"best/{k}": v for k, v in val.items()})
            return
        metrics = {**val, **{metric_key(k): float(v)
                             for k, v in trainer.label_loss_items(trainer.tloss, prefix="train").items()}}
        epochs_seen.append(metrics)
        if on_epoch:
            on_epoch(int(trainer.epoch), metrics)
        pause_point("train-epoch", trainer_dir)  # last.pt of this epoch is on disk now
        if stop_after is not None and trainer.epoch + 1 >= stop_after:
            trainer.stop = True

    model = YOLO(str(last) if resumed else base, task="segment")
    model.add_callback("on_fit_epoch_end", _epoch_end)
    common = dict(imgsz=imgsz, batch=batch, workers=workers, device=device, amp=False, plots=False,
                  verbose=False)
    if resumed:
        log.info("Resuming the interrupted training from %s.", last)
        model.train(resume=str(last), **common)
    else:
        model.train(data=str(data_yaml), epochs=epochs, project=str(work_dir), name="train", exist_ok=True,
                    seed=0, deterministic=True, pretrained=base.endswith(".pt"), **common, **(hyp or {}))
    best = run_dir / "weights" / "best.pt"
    if not best.is_file():
        best = last
    if not best.is_file():
        raise RuntimeError("training finished without writing a checkpoint")
    return TrainOutcome(best=best, last=last, base=base, device=device, resumed=resumed, epochs=epochs_seen)
