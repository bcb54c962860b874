"""Student checkpoints: which ones to evaluate, their training state, and their ONNX export."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Sequence

from stickerstudio_desktop.errors import ConfigError

from ..routing import model_name
from .build import BASE_IMGSZ, CHECKPOINTS
from .data import STYLES

CHECKPOINT = CHECKPOINTS / "student_best.pt"  # phases 1–2: one student for both styles
IMGSZ = BASE_IMGSZ


def export_checkpoint(checkpoint: Path, work: Path, imgsz: int = IMGSZ) -> Path:
    """Static ONNX of *checkpoint* in *work*; a copy is exported, so nothing lands beside the original."""
    from ..export import export_onnx

    if not Path(checkpoint).is_file():
        raise ConfigError(f"The checkpoint {checkpoint} does not exist.")
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "student.pt"
    shutil.copy2(checkpoint, copy)  # the trainer replaces its checkpoints by rename: the copy is whole
    try:
        return export_onnx(copy, imgsz, work / "student.onnx", work / "trainer-home")
    finally:
        copy.unlink(missing_ok=True)


def checkpoint_state(checkpoint: Path, results_csv: Path | None = None) -> dict:
    """Training progress recorded in an ultralytics checkpoint (and the run's results.csv, if any)."""
    import torch

    ckpt = torch.load(str(checkpoint), map_location="cpu", weights_only=False)
    results = ckpt.get("train_results") or {}
    metrics = ckpt.get("train_metrics") or {}
    state = {"checkpoint": str(checkpoint), "epochs_in_checkpoint": len(results.get("epoch", [])),
             "epochs_planned": (ckpt.get("train_args") or {}).get("epochs"),
             "best_epoch": (ckpt.get("stopper") or {}).get("best_epoch"),
             "val_mask_map50": metrics.get("metrics/mAP50(M)"), "val_mask_map50_95": metrics.get("metrics/mAP50-95(M)"),
             "saved": ckpt.get("date")}
    if results_csv is not None and results_csv.is_file():
        with open(results_csv, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        if _same_run(results, rows):  # a checkpoint trained elsewhere (remote.py) leaves a stale local CSV
            state["epochs_done_in_run"] = len(rows)
            state["results_csv"] = str(results_csv)
    return state


def _same_run(results: dict, rows: list[dict]) -> bool:
    """Whether a results.csv starts with the first epoch recorded in a checkpoint."""
    first = {k.strip(): v for k, v in rows[0].items()} if rows else {}
    losses = results.get("train/box_loss") or []
    try:
        return bool(losses) and abs(float(first["train/box_loss"]) - float(losses[0])) < 1e-4
    except (KeyError, TypeError, ValueError):
        return False


def student_files(models_dir: Path) -> dict[str, Path]:
    files = {style: Path(models_dir) / f"{model_name(style)}.onnx" for style in STYLES}
    missing = [p.name for p in files.values() if not p.is_file()]
    if missing:
        raise ConfigError(f"{models_dir} has no {' or '.join(missing)}; "
                          "pass the folder that holds the student ONNX files.")
    return files


def default_checkpoints() -> dict[str, Path]:
    """Per style: its specialised checkpoint (phase 3) when there is one, else the shared student."""
    out = {}
    for style in STYLES:
        special = CHECKPOINTS / f"student_{style}_best.pt"
        out[style] = special if special.is_file() else CHECKPOINT
    return out


def parse_checkpoints(values: Sequence[str] | None) -> dict[str, Path] | None:
    """``--checkpoint PT`` (both styles) and/or ``--checkpoint STYLE=PT`` → {style: checkpoint}."""
    if not values:
        return None
    out: dict[str, Path] = {}
    for value in values:
        style, sep, path = value.partition("=")
        if not sep:
            out.update({s: Path(value) for s in STYLES if s not in out})
        elif style in STYLES:
            out[style] = Path(path)
        else:
            raise ConfigError(f"--checkpoint {value}: the style before '=' must be one of {', '.join(STYLES)}.")
    return out


def checkpoint_imgsz(checkpoint: Path) -> int:
    """The input size the checkpoint was trained at: the app runs it at that size."""
    import torch

    ckpt = torch.load(str(checkpoint), map_location="cpu", weights_only=False)
    return int((ckpt.get("train_args") or {}).get("imgsz") or IMGSZ)


def run_csv(checkpoint: Path, data_dir: Path) -> Path:
    """The results.csv of the run that wrote a checkpoint in trainer/checkpoints."""
    stem = Path(checkpoint).stem.removesuffix("_best").removesuffix("_last")
    style = stem.removeprefix("student_")
    run = f"special-{style}" if style in STYLES else "finish"
    return data_dir / run / "train" / "results.csv"
