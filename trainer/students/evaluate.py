"""``stickerstudio-train eval --students``: measure the students exactly as the app runs them.

``stickerstudio-train eval --students [--checkpoint [STYLE=]PT … | --models DIR] [--data DIR] [--limit N]``

Picks the students (``checkpoints``), scores them through the app's engine (``harness``) and
writes ``docs/model-card.md`` with a contact sheet of cut-outs (``card``); the bundling gate
(``publish``) reads the report. ONNX files through the engine, never PyTorch.
"""

from __future__ import annotations

import json
from pathlib import Path

from stickerstudio_desktop.config.paths import AppPaths, bundled
from stickerstudio_desktop.errors import ConfigError

from ..routing import model_name
from .card import DOC, write_card
from .checkpoints import (
    CHECKPOINT,
    checkpoint_imgsz,
    checkpoint_state,
    default_checkpoints,
    export_checkpoint,
    run_csv,
    student_files,
)
from .data import DATA_DIR, STYLES
from .harness import Log, display_path, held_out_items, run


def evaluate_students(paths: AppPaths, *, checkpoints: dict[str, Path] | None = None,
                      models_dir: Path | None = None, data_dir: Path | None = None, limit: int | None = None,
                      doc: Path | None = None, imgsz: int | None = None, command: str = "", log: Log = print,
                      **run_options) -> dict:
    """The whole harness: choose and (if needed) export the students, measure, write the card.

    *checkpoints* maps each style to the ultralytics checkpoint to export (at its training size
    unless *imgsz* is given); a style left out gets ``default_checkpoints()``'s.
    """
    flags = [f"--checkpoint {style}={display_path(p)}" for style, p in (checkpoints or {}).items()]
    flags += [f"{flag} {display_path(v) if isinstance(v, Path) else v}" for flag, v in
              (("--models", models_dir), ("--data", data_dir), ("--limit", limit)) if v is not None]
    command = command or " ".join(["stickerstudio-train eval --students"] + flags)
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    if checkpoints and models_dir is not None:
        raise ConfigError("Give either --checkpoint or --models, not both.")
    if models_dir is None and not checkpoints:
        bundled_dir = bundled("models")
        if all((bundled_dir / f"{model_name(s)}.onnx").is_file() for s in STYLES):
            models_dir = bundled_dir
        elif CHECKPOINT.is_file():
            checkpoints = {}
        else:
            raise ConfigError("There are no students to evaluate: models/ has no yolo_*.onnx and "
                              f"{CHECKPOINT.name} does not exist; pass --checkpoint or --models.")
    training = None
    if checkpoints is not None:
        checkpoints = {**default_checkpoints(), **checkpoints}
        for style in STYLES:  # fail on bad data or a missing file before spending a minute on an export
            held_out_items(data_dir, style, 1)
            if not Path(checkpoints[style]).is_file():
                raise ConfigError(f"The checkpoint {checkpoints[style]} does not exist.")
        students, training, exported = {}, {}, {}
        for style in STYLES:
            ckpt = Path(checkpoints[style])
            size = imgsz or checkpoint_imgsz(ckpt)
            if (ckpt, size) not in exported:
                log(f"exporting {ckpt} to ONNX at {size} px")
                exported[ckpt, size] = export_checkpoint(ckpt, data_dir / "eval" / f"{ckpt.stem}-{size}", size)
            students[style] = exported[ckpt, size]
            training[style] = {**checkpoint_state(ckpt, run_csv(ckpt, data_dir)), "imgsz": size}
        source = "checkpoints exported to static ONNX: " + ", ".join(
            f"{style} `{display_path(Path(checkpoints[style]))}` at {training[style]['imgsz']} px" for style in STYLES)
    else:
        students = student_files(Path(models_dir))
        source = f"ONNX files in `{display_path(models_dir)}`"
    report, scores = run(students, paths, data_dir=data_dir, limit=limit, source=source, training=training,
                         tune=checkpoints is not None, log=log, **run_options)
    doc_path, sheet = write_card(report, scores, Path(doc) if doc else DOC, command)
    report["card"], report["contact_sheet"] = str(doc_path), str(sheet)
    if checkpoints is not None:
        (data_dir / "eval").mkdir(parents=True, exist_ok=True)
        (data_dir / "eval" / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report
