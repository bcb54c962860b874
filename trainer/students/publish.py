"""Bundle a student into ``models/`` when the evaluation shows it improves the app.

    .venv/bin/python -m trainer.students.publish [--data .cache/students] [--models models]

Reads the report that ``stickerstudio-train eval --students`` (run on checkpoints) left in
``<data>/eval/report.json`` together with the ONNX file it measured
(the sha256 must match: the numbers describe exactly that file). A style's
student is bundled only when, on that style's held-out composites, it is no
worse than what the app runs for the style today (``SALIENT_DEFAULT``, U²-Netp)
by more than ``TOLERANCE`` in mIoU and in boundary F, meets the speed target,
and does not make the app's cut-outs of the real photos routed to it agree less
with U²-Net than U²-Netp's do (by more than ``PHOTO_TOLERANCE``), and is at least
as good as U²-Net on its style's real-image judge (``trainer.realcard``); otherwise
the style is not bundled and the reason is printed. What ``auto`` runs for a style
is then decided by ``trainer.routes`` on the same judges. Files are written by
temp file + rename; the manifest entry records sha256, metrics, training state,
creation date and the rebuild command.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.engine.manifest import load_manifest, sha256_file
from stickerstudio_desktop.engine.pipeline import ROUTE_MIN_SCORE, SALIENT_DEFAULT
from stickerstudio_desktop.engine.stored_weights import TRAINED
from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.files import atomic_path

from ..manifest_writer import update_manifest
from ..realcard import verdict
from ..routing import model_name
from .data import DATA_DIR, STYLES

TOLERANCE = 0.02
#: The students' bars (the model card's targets table); speed is also part of the gate.
TARGETS = {"student_miou": 0.90, "gap_to_u2net": 0.02, "speedup": 10.0, "student_mb": 15.0,
           "classifier_accuracy": 0.97, "classifier_ms": 10.0}
#: Real photos have no ground truth and there are few of them, so their bar is looser; it still
#: stops a student that cuts out a cat's eye instead of the cat.
PHOTO_TOLERANCE = 0.05
COMMAND = ("python -m trainer.students.build && stickerstudio-train eval --students "
           "&& python -m trainer.students.publish")


def gate(style_report: dict, photos: dict | None = None, style: str = "", real: dict | None = None) -> list[str]:
    """Reasons the student may not replace the app's current path (empty: it may).

    *real* is the student's block of the real-image judge for its style (real photos for
    photos, held-out illustrations for drawings): there it must be at least as good as U²-Net.
    """
    m = style_report["models"]
    student, current = m["student"], m[SALIENT_DEFAULT]
    reasons = []
    for key, label in (("miou", "mIoU"), ("boundary_f", "boundary F")):
        if student[key] is None or student[key] < current[key] - TOLERANCE:
            reasons.append(f"{label} {student[key]} is more than {TOLERANCE} below {SALIENT_DEFAULT}'s {current[key]}")
    speedup = style_report.get("speedup_vs_u2net")
    if not speedup or speedup < TARGETS["speedup"]:
        reasons.append(f"only {speedup}× faster than U²-Net (target {TARGETS['speedup']:.0f}×)")
    routed = [i for i in (photos or {}).get("items", []) if i.get("style") == style
              and (i.get("style_score") or 0) >= ROUTE_MIN_SCORE and f"iou_{SALIENT_DEFAULT}" in i]
    if routed:
        app = sum(i["iou_auto"] for i in routed) / len(routed)
        before = sum(i[f"iou_{SALIENT_DEFAULT}"] for i in routed) / len(routed)
        if app < before - PHOTO_TOLERANCE:
            reasons.append(f"on the {len(routed)} real photos routed to it the app's cut-outs agree with U²-Net at "
                           f"{app:.3f}, more than {PHOTO_TOLERANCE} below {SALIENT_DEFAULT}'s {before:.3f}")
    if real and model_name(style) in real.get("engines", {}):
        reasons += [f"on {real['n']} held-out real images {r}" for r in verdict(real, model_name(style))]
    return reasons


def entry(style: str, sha: str, style_report: dict, report: dict, previous: dict) -> dict:
    m = style_report["models"]
    training = (report.get("training") or {}).get(style) or {}
    measured = report["students"][model_name(style)]
    size = measured.get("imgsz")
    checkpoint = training.get("checkpoint")
    if checkpoint:
        checkpoint = Path(checkpoint).resolve()
        inside = checkpoint.is_relative_to(ROOT_DIR)
        checkpoint = checkpoint.relative_to(ROOT_DIR).as_posix() if inside else str(checkpoint)
    return {
        "kind": "yolo-seg", "file": f"{model_name(style)}.onnx", "sha256": sha, "weights": TRAINED,
        "version": f"student-{sha[:8]}",
        "license": previous.get("license", "AGPL-3.0-or-later (our training, ultralytics architecture)"),
        "class_names": ["subject"], "conf": report.get("conf", {}).get(style, previous.get("conf", 0.25)),
        "iou": previous.get("iou", 0.45),
        "input": {"size": list(size), "resize": "letterbox"} if size else previous.get("input"),
        "training": {"data": "composites in docs/data-card.md (YOLOv8n-seg students)", "checkpoint": checkpoint,
                     "epochs": training.get("epochs_done_in_run", training.get("epochs_in_checkpoint")),
                     "val_mask_map50": training.get("val_mask_map50")},
        "metrics": {"held_out_composites": {
            "n": style_report["n"], "miou": m["student"]["miou"], "boundary_f": m["student"]["boundary_f"],
            "u2net_miou": m["u2net"]["miou"], "u2netp_miou": m["u2netp"]["miou"],
            "speedup_vs_u2net": style_report["speedup_vs_u2net"], "evaluated": report["created"]}},
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": COMMAND,
    }


def publish(data_dir: Path = DATA_DIR, models_dir: Path | None = None, log=print) -> dict[str, list[str]]:
    """Bundle every style whose student passes ``gate``; returns {style: reasons it was not bundled}."""
    models_dir = Path(models_dir) if models_dir else ROOT_DIR / "models"
    report_path = Path(data_dir) / "eval" / "report.json"
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
        styles = report["styles"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(f"{report_path} is missing or not an evaluation report; run "
                          "`stickerstudio-train eval --students` on the checkpoints first.") from None
    raw = json.loads((models_dir / "manifest.json").read_text(encoding="utf-8"))["models"]
    refused: dict[str, list[str]] = {}
    for style in STYLES:
        name = model_name(style)
        measured = report["students"][name]
        onnx = Path(measured["file"])
        if not onnx.is_file() or sha256_file(onnx) != measured["sha256"]:
            raise ConfigError(f"{onnx} is not the file the report measured; rerun the evaluation.")
        reasons = gate(styles[style], report.get("photos"), style, (report.get("real") or {}).get(style))
        if reasons:
            refused[style] = reasons
            log(f"{name}: not bundled: " + "; ".join(reasons) + ".")
            continue
        with atomic_path(models_dir / f"{name}.onnx") as tmp:
            shutil.copy2(onnx, tmp)
        update_manifest(models_dir, name, entry(style, measured["sha256"], styles[style], report, raw.get(name, {})))
        log(f"{name}: bundled ({models_dir / f'{name}.onnx'}, mIoU {styles[style]['models']['student']['miou']}).")
    load_manifest(models_dir)  # the result must parse
    return refused


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR)
    ap.add_argument("--models", type=Path, default=None)
    args = ap.parse_args(argv)
    try:
        publish(args.data, args.models)
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
