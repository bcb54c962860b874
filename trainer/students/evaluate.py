"""Measure the students exactly as the app runs them: ONNX files through the engine, never PyTorch.

``stickerstudio-train eval --students [--checkpoint [STYLE=]PT … | --models DIR] [--data DIR] [--limit N]``

On the held-out test composites of each style (exact ground truth) it scores
the student, U²-Net and U²-Netp on the same images in the same run, plus the
app's ``auto`` path (classifier → student → U²-Netp when the student finds
nothing). It also measures agreement with U²-Net on real photos, the style
classifier, latency p50 per model and per stage, and file sizes, then writes
``docs/model-card.md`` and a contact sheet of cut-outs. A predicted mask is
the cut-out the app would make of every subject (alpha ≥ 50 % after edge
refinement), as the nightly gate scores it.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from stickerstudio_desktop.config.paths import ROOT_DIR, AppPaths, bundled
from stickerstudio_desktop.engine.manifest import Manifest, load_manifest, sha256_file
from stickerstudio_desktop.engine.pipeline import SALIENT_DEFAULT, Pipeline
from stickerstudio_desktop.errors import ConfigError, ModelError

from ..machine import cpu_name
from ..classifier.evaluate import evaluate as evaluate_classifier
from ..classifier.evaluate import latency as classifier_latency
from ..classifier.evaluate import read_rgb
from ..evaluate import predicted_mask
from ..scoring import SOLID, iou
from ..models import yolo_spec
from ..routing import model_name
from ..sheets import BAD, GOOD, cell, mask_thumb, thumb, write_sheet
from .build import CHECKPOINTS
from .data import STYLES, StudentData, style_dir

DATA_DIR = ROOT_DIR / ".cache" / "students"
CHECKPOINT = CHECKPOINTS / "student_best.pt"  # phases 1–2: one student for both styles
DOC = ROOT_DIR / "docs" / "model-card.md"
STYLE_EVAL = ROOT_DIR / "tests" / "data" / "style_eval"
PHOTOS = tuple(sorted((ROOT_DIR / "resources" / "samples").glob("*.jpg"))
               + sorted((ROOT_DIR / "tests" / "data").glob("*.jpg")))
IMGSZ = 320
#: Boundary pixels match when within max(2 px, 0.5 % of the image diagonal), at the image's own resolution.
BOUNDARY_MIN_PX, BOUNDARY_FRACTION = 2, 0.005
BOUNDARY_RULE = "max(2 px, 0.5 % of the image diagonal) at the image's own resolution"
TARGETS = {"student_miou": 0.90, "gap_to_u2net": 0.02, "speedup": 10.0, "student_mb": 15.0,
           "classifier_accuracy": 0.97, "classifier_ms": 10.0}
REFERENCES = ("u2net", "u2netp")

Log = Callable[[str], None]


# -- metrics ---------------------------------------------------------------------------------------

def boundary_tolerance(shape: tuple[int, ...]) -> int:
    return max(BOUNDARY_MIN_PX, round(BOUNDARY_FRACTION * math.hypot(shape[0], shape[1])))


def _boundary(mask: np.ndarray) -> np.ndarray:
    """Inner contour pixels; the image frame is not a contour (replicated border)."""
    m = mask.astype(np.uint8)
    return (m - cv2.erode(m, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE)) > 0


def boundary_f_score(pred: np.ndarray, truth: np.ndarray, tolerance: int | None = None) -> float:
    """F-measure of contour pixels matched within *tolerance* px (default: ``boundary_tolerance``)."""
    if pred.shape != truth.shape:
        raise ValueError(f"mask shapes differ: {pred.shape} vs {truth.shape}")
    pb, tb = _boundary(pred), _boundary(truth)
    if not pb.any() or not tb.any():
        # No contour on one side: only agreement on "empty" vs "everything" counts.
        return float(not pb.any() and not tb.any() and bool(pred.any()) == bool(truth.any()))
    tol = boundary_tolerance(truth.shape) if tolerance is None else tolerance
    to_truth = cv2.distanceTransform((~tb).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    to_pred = cv2.distanceTransform((~pb).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    precision = float((to_truth[pb] <= tol).mean())
    recall = float((to_pred[tb] <= tol).mean())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _p50(values: Sequence[float]) -> float | None:
    return round(float(np.median(values)), 2) if len(values) else None


def _mean(values: Sequence[float]) -> float | None:
    return round(float(np.mean(values)), 4) if len(values) else None


# -- what is evaluated -----------------------------------------------------------------------------

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


def harness_pipeline(students: dict[str, Path], paths: AppPaths, scratch: Path,
                     conf: dict[str, float] | None = None) -> Pipeline:
    """The app's Pipeline with *students* installed as if bundled (with *conf* per style, if given).

    Promoted models live in *scratch*, so none of the user's can stand in;
    fetched weights (U²-Net) come from the user's model cache.
    """
    base = load_manifest()
    models = dict(base.models)
    for style, path in students.items():
        name = model_name(style)
        # An absolute file name wins over the manifest directory (pathlib joins it as is).
        spec = replace(models.get(name) or yolo_spec(name, IMGSZ), file=str(Path(path).resolve()))
        if conf and style in conf:
            spec = replace(spec, extra={**spec.extra, "conf": conf[style]})
        models[name] = spec
    private = AppPaths(data=scratch / "data", config=scratch / "config", cache=paths.cache, logs=scratch / "logs")
    return Pipeline(paths=private, manifest=Manifest(directory=base.directory, models=models))


def held_out_items(data_dir: Path, style: str, limit: int | None) -> list[tuple[Path, Path]]:
    """(image, exact mask) pairs of the held-out composites; the first *limit* of them."""
    items = StudentData(style_dir(data_dir, style), style).test_items()
    if not items:
        raise ConfigError(f"{style_dir(data_dir, style) / 'images' / 'test'} holds no test composites; build them with "
                          "`python -m trainer.students.build --data-only`.")
    items = items[:limit] if limit else items
    missing = [img.name for img, mask in items if not mask.is_file()]
    if missing:
        raise ConfigError(f"The test composite {missing[0]} has no ground-truth mask in masks/test.")
    return items


def _truth(path: Path, shape: tuple[int, int]) -> np.ndarray:
    mask = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if mask is None or mask.shape != shape:
        raise ConfigError(f"The mask {path.name} is unreadable or not the size of its image.")
    return mask > 127


# -- the run ---------------------------------------------------------------------------------------

@dataclass
class ImageScore:
    name: str
    style: str
    iou: dict[str, float]
    bf: dict[str, float]
    ms: dict[str, float]
    auto_engine: str
    student_empty: bool  # the style's own student found no subject
    thumbs: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # for the contact sheet only


def _alpha_mask(cut) -> np.ndarray:
    """The app's cut-out as a mask, as ``predicted_mask`` makes one."""
    return np.asarray(cut.image)[..., 3] >= SOLID


def _timed(segmenter, rgb: np.ndarray) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    mask = predicted_mask(segmenter, rgb)  # inference, post-processing, union and edge refinement
    return mask, (time.perf_counter() - t0) * 1000


def _score_composite(pipeline: Pipeline, style: str, image: Path, mask_path: Path, models: dict) -> ImageScore:
    rgb = read_rgb(image)
    truth = _truth(mask_path, rgb.shape[:2])
    masks, ms = {}, {}
    for key, seg in models.items():
        masks[key], ms[key] = _timed(seg, rgb)
    analysis = pipeline.analyse(image, "auto")
    cut = pipeline.cutout(analysis, "all")
    masks["auto"] = _alpha_mask(cut)
    stages = {**analysis.timings.stages, **cut.timings.stages}
    ms["auto"] = sum(stages.get(k, 0.0) for k in ("classify", "segment", "refine"))
    ms.update({f"stage:{k}": v for k, v in stages.items()})
    thumbs = {"input": thumb(rgb), "truth": mask_thumb(truth), "student": mask_thumb(masks["student"]),
              "u2net": mask_thumb(masks["u2net"])}
    return ImageScore(name=image.name, style=style, iou={k: iou(m, truth) for k, m in masks.items()},
                      bf={k: boundary_f_score(m, truth) for k, m in masks.items()}, ms=ms,
                      auto_engine=analysis.engine, student_empty=not masks["student"].any(), thumbs=thumbs)


def _style_summary(scores: list[ImageScore], student: str) -> dict:
    out: dict = {"n": len(scores), "models": {}}
    for key in ("student", *REFERENCES, "auto"):
        name = {"student": student, "auto": f"auto ({student} → {SALIENT_DEFAULT})"}.get(key, key)
        out["models"][key] = {"name": name, "miou": _mean([s.iou[key] for s in scores]),
                              "boundary_f": _mean([s.bf[key] for s in scores]),
                              "p50_ms": _p50([s.ms[key] for s in scores])}
    out["student_empty"] = sum(s.student_empty for s in scores)
    out["auto_routed"] = {e: sum(s.auto_engine == e for s in scores) for e in sorted({s.auto_engine for s in scores})}
    st, u2 = out["models"]["student"]["p50_ms"], out["models"]["u2net"]["p50_ms"]
    out["speedup_vs_u2net"] = round(u2 / st, 1) if st and u2 else None
    return out


def _photo_agreement(pipeline: Pipeline, photos: Sequence[Path], refs: dict) -> dict:
    """Per photo: the classified style's student, the auto path and U²-Netp, each against U²-Net."""
    items = []
    for path in photos:
        analysis = pipeline.analyse(path, "auto")
        rgb = analysis.rgb
        ref = predicted_mask(refs["u2net"], rgb)
        auto = _alpha_mask(pipeline.cutout(analysis, "all"))
        style = analysis.style.style if analysis.style else "normal"
        student = predicted_mask(pipeline.yolo(style), rgb)  # empty when it finds nothing
        items.append({"file": path.name, "style": analysis.style.style if analysis.style else None,
                      "style_score": round(analysis.style.score, 3) if analysis.style else None,
                      "engine": analysis.engine, "iou_student": round(iou(student, ref), 4),
                      "iou_auto": round(iou(auto, ref), 4),
                      f"iou_{SALIENT_DEFAULT}": round(iou(predicted_mask(refs[SALIENT_DEFAULT], rgb), ref), 4)})
    return {"n": len(items), "items": items, "miou_student": _mean([i["iou_student"] for i in items]),
            "miou_auto": _mean([i["iou_auto"] for i in items]),
            f"miou_{SALIENT_DEFAULT}": _mean([i[f"iou_{SALIENT_DEFAULT}"] for i in items])}


def _real_judges(pipeline: Pipeline, limit: int | None, log: Log) -> dict:
    """Per style, its student against U²-Net on the style's real-image judge (``trainer.realcard``)."""
    from .. import realcard, realgt

    sets = {"photos": realgt.load_items("eval"), "illustrations": realgt.art_items(realcard.ART_DIR)}
    out = {}
    for judge, style in realcard.JUDGES.items():
        if not sets[judge]:
            log(f"{style}: no {judge} for the real-image judge; skipped")
            continue
        items = sets[judge][:limit] if limit else sets[judge]
        student = pipeline.yolo(style)
        cut = {realcard.REFERENCE: realgt.pipeline_cutter(pipeline, realcard.REFERENCE),
               student.name: realgt.segmenter_cutter(student)}
        out[style], _ = realcard.judge(items, cut, log)
    return out


def _style_eval_items(folder: Path) -> list[tuple[Path, str]]:
    try:
        with open(folder / "labels.csv", newline="", encoding="utf-8") as fh:
            return [(folder / r["file"], r["style"]) for r in csv.DictReader(fh)]
    except (OSError, KeyError):
        raise ConfigError(f"{folder / 'labels.csv'} is missing or has no file/style columns.") from None


def _classifier_report(pipeline: Pipeline, composites: list[tuple[Path, str]], sample: Path | None,
                       latency_runs: int) -> dict | None:
    clf = pipeline.classifier()
    if clf is None:
        return None
    out = {"name": f"{clf.spec.name}@{clf.spec.version}", "classes": list(clf.spec.class_names)}
    if sample is not None:
        ev = evaluate_classifier(clf, _style_eval_items(sample))
        out["eval_sample"] = {**ev.as_dict(), "errors": ev.errors, "dir": str(sample)}
    ev = evaluate_classifier(clf, composites)
    out["test_composites"] = {**ev.as_dict(), "errors": len(ev.errors)}
    out["latency"] = classifier_latency(clf, read_rgb(composites[0][0]), runs=latency_runs,
                                        warmup=min(10, latency_runs))
    return out


def _targets(styles: dict, classifier: dict | None, sizes: dict) -> list[dict]:
    t = TARGETS
    rows = []
    for style, s in styles.items():
        m = s["models"]
        st, u2 = m["student"]["miou"], m["u2net"]["miou"]
        rows.append({"target": f"{m['student']['name']} mIoU ≥ {t['student_miou']:.2f}",
                     "measured": f"{st:.3f}", "pass": st >= t["student_miou"]})
        rows.append({"target": f"{m['student']['name']} no more than {t['gap_to_u2net']:.2f} below U²-Net",
                     "measured": f"{st - u2:+.3f} (U²-Net {u2:.3f})", "pass": st >= u2 - t["gap_to_u2net"]})
        sp = s["speedup_vs_u2net"]
        rows.append({"target": f"{m['student']['name']} ≥ {t['speedup']:.0f}× faster than U²-Net",
                     "measured": f"{sp}×" if sp else "n/a", "pass": bool(sp and sp >= t["speedup"])})
        mb = sizes[m["student"]["name"]] / 2**20
        rows.append({"target": f"{m['student']['name']}.onnx ≤ {t['student_mb']:.0f} MB", "measured": f"{mb:.1f} MB",
                     "pass": mb <= t["student_mb"]})
    if classifier:
        for key, label in (("eval_sample", "committed eval sample"), ("test_composites", "held-out composites")):
            if key in classifier:
                acc = classifier[key]["accuracy"]
                rows.append({"target": f"classifier accuracy ≥ {t['classifier_accuracy']:.0%} ({label})",
                             "measured": f"{acc:.1%} of {classifier[key]['n']}",
                             "pass": acc >= t["classifier_accuracy"]})
        ms = classifier["latency"]["classify_p50_ms"]
        rows.append({"target": f"classifier ≤ {t['classifier_ms']:.0f} ms per image (p50)", "measured": f"{ms} ms",
                     "pass": ms <= t["classifier_ms"]})
    return rows


def run(students: dict[str, Path], paths: AppPaths, *, data_dir: Path = DATA_DIR, limit: int | None = None,
        photos: Sequence[Path] = PHOTOS, style_eval: Path | None = STYLE_EVAL, source: str = "",
        training: dict | None = None, latency_runs: int = 100, tune: bool = False,
        log: Log = print) -> tuple[dict, list[ImageScore]]:
    """Evaluate *students* ({style: ONNX}); returns (JSON-ready report, per-image scores).

    With *tune*, each student's confidence threshold is first chosen on the validation split
    (``trainer.students.tune``) and the test split is scored with it.
    """
    if limit is not None and limit < 1:
        raise ConfigError("--limit must be at least 1.")
    items = {style: held_out_items(data_dir, style, limit) for style in STYLES}
    photos = list(photos)[:limit] if limit else list(photos)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="student-eval-") as scratch:
        tuned = _tune(students, paths, Path(scratch), data_dir, log) if tune else {}
        pipeline = harness_pipeline(students, paths, Path(scratch),
                                    {style: t["chosen"] for style, t in tuned.items()})
        refs = {name: pipeline.salient(name) for name in REFERENCES}
        scores: list[ImageScore] = []
        warmed: set[int] = set()
        for style in STYLES:
            student = pipeline.yolo(style)
            if student is None:
                raise ModelError(f"The {model_name(style)} student could not be installed for evaluation.")
            models = {"student": student, **refs}
            warm = read_rgb(items[style][0][0])  # a session's first runs are slow: keep them out of the timings
            for seg in models.values():
                if id(seg.session) not in warmed:
                    seg.segment(warm)
                    warmed.add(id(seg.session))
            pipeline.classify_rgb(warm)
            for i, (image, mask) in enumerate(items[style]):
                scores.append(_score_composite(pipeline, style, image, mask, models))
                if (i + 1) % 10 == 0 or i + 1 == len(items[style]):
                    log(f"{style}: {i + 1}/{len(items[style])} composites scored")
        by_style = {style: _style_summary([s for s in scores if s.style == style], model_name(style))
                    for style in STYLES}
        log(f"agreement with U²-Net on {len(photos)} real photos")
        agreement = _photo_agreement(pipeline, photos, refs)
        real = _real_judges(pipeline, limit, log)
        classifier = _classifier_report(pipeline, [(img, style) for style in STYLES for img, _ in items[style]],
                                        style_eval, latency_runs)
        stages = list(dict.fromkeys(k for s in scores for k in s.ms if k.startswith("stage:")))  # run order
        stage_p50 = {k[6:]: _p50([s.ms[k] for s in scores if k in s.ms]) for k in stages}
        registry = pipeline.registry
        sizes = {name: registry.path(pipeline.manifest.get(name)).stat().st_size
                 for name in (*REFERENCES, "style_classifier", *(model_name(s) for s in STYLES))
                 if registry.available(name)}
        confs = {style: pipeline.yolo(style).conf for style in STYLES}
        pipeline_sizes = {style: pipeline.yolo(style).input_size for style in STYLES}
    report = {
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": source, "training": training, "data": _display(data_dir), "limit": limit,
        "students": {model_name(s): {"file": str(p), "sha256": sha256_file(p), "bytes": Path(p).stat().st_size,
                                     "imgsz": list(pipeline_sizes[s])} for s, p in students.items()},
        "boundary_tolerance": BOUNDARY_RULE, "fallback": SALIENT_DEFAULT, "conf_tuning": tuned,
        "conf": confs,
        "styles": by_style, "images": [{"name": s.name, "style": s.style, "auto": s.auto_engine,
                                        "iou": {k: round(v, 4) for k, v in s.iou.items()},
                                        "boundary_f": {k: round(v, 4) for k, v in s.bf.items()}} for s in scores],
        "photos": agreement, "real": real, "classifier": classifier, "stages_p50_ms": stage_p50,
        "sizes": sizes, "machine": {"cpu": cpu_name(), "cores": os.cpu_count(), "load_avg_1min_at_start": load},
    }
    report["targets"] = _targets(by_style, classifier, sizes)
    return report, scores


def _tune(students: dict[str, Path], paths: AppPaths, scratch: Path, data_dir: Path, log: Log) -> dict:
    from .tune import tune_conf, val_items

    pipeline = harness_pipeline(students, paths, scratch)
    tuned = {}
    for style in STYLES:
        items = val_items(style_dir(data_dir, style))
        if not items:
            log(f"{style}: no validation split in {data_dir}; keeping the manifest's confidence threshold")
            continue
        chosen, means = tune_conf(pipeline.yolo(style), items)
        tuned[style] = {"chosen": chosen, "val_miou": {str(c): v for c, v in means.items()}, "n": len(items)}
        log(f"{style}: confidence threshold {chosen} (validation mIoU {means[chosen]} on {len(items)} images)")
    return tuned


# -- the card --------------------------------------------------------------------------------------

def pick_cases(scores: list[ImageScore], good: int = 2, worst: int = 3) -> list[tuple[str, ImageScore]]:
    """Per style, the best *good* and the worst *worst* images by student IoU (no repeats), tagged."""
    picked = []
    for style in STYLES:
        ranked = sorted((s for s in scores if s.style == style), key=lambda s: -s.iou["student"])
        picked += [("good", s) for s in ranked[:good]]
        picked += [("worst", s) for s in ranked[max(good, len(ranked) - worst):]]
    return picked


def contact_sheet(cases: list[tuple[str, ImageScore]], out: Path) -> Path:
    rows = []
    for tag, s in cases:
        t = s.thumbs
        label = (f"{tag}: {s.name}   student IoU {s.iou['student']:.2f}, BF {s.bf['student']:.2f}   "
                 f"U²-Net IoU {s.iou['u2net']:.2f}   auto used {s.auto_engine}")
        rows.append((label, GOOD if tag == "good" else BAD,
                     [cell(t["input"]), cell(t["input"], t["truth"]), cell(t["input"], t["student"]),
                      cell(t["input"], t["u2net"])]))
    return write_sheet(("input", "ground truth", "student", "U²-Net"), rows, out)


def _f(v, fmt: str = ".3f") -> str:
    return "–" if v is None else format(v, fmt)


def _confusion(block: dict) -> list[str]:
    classes = block["confusion"]["rows_true_cols_predicted"]
    lines = ["| true \\ predicted | " + " | ".join(classes) + " |", "|---|" + "---|" * len(classes)]
    for name, row in zip(classes, block["confusion"]["matrix"]):
        lines.append(f"| {name} | " + " | ".join(str(v) for v in row) + " |")
    return lines


def render_card(report: dict, sheet: Path, doc: Path, command: str) -> str:
    """The model card's markdown (every number comes from *report*)."""
    L: list[str] = []
    add = L.append
    add("# Model card: segmentation students and style classifier\n")
    add(f"Generated by `{command}` on {report['created']}. Do not edit by hand: rerun the command.\n")
    add("Everything here runs exactly what the app runs: the ONNX files through the app's engine "
        "(`Pipeline`, `YoloSegmenter`, `SalientSegmenter`, `StyleClassifier`, onnxruntime on the CPU), never the "
        "PyTorch checkpoints. A predicted mask is the cut-out the app would make of every subject: the union of "
        "the instances' masks after the engine's edge refinement, at alpha ≥ 50 %, as the nightly gate scores it. "
        f"Boundary F-score: contour pixels match within {BOUNDARY_RULE}.\n")
    m = report["machine"]
    add(f"- Evaluated: {report['source']}")
    for name, s in report["students"].items():
        add(f"  - `{name}`: {s['bytes'] / 2**20:.1f} MB, sha256 `{s['sha256'][:16]}…`")
    tuned = report.get("conf_tuning") or {}
    for style, conf in (report.get("conf") or {}).items():
        how = (f"chosen on {tuned[style]['n']} validation composites (mIoU by threshold: "
               + ", ".join(f"{c} → {v}" for c, v in tuned[style]["val_miou"].items()) + ")"
               if style in tuned else "from the manifest")
        add(f"  - {style} confidence threshold {conf}, {how}")
    first = next(iter(report["styles"].values()))
    folders = " and ".join(f"`{report['data']}/{style_dir(Path(), s).as_posix()}/images/test`" for s in report["styles"])
    add(f"- Data: held-out test composites in {folders} "
        f"({first['n']} per style{', --limit ' + str(report['limit']) if report['limit'] else ''}), built by "
        "`trainer/students/data.py` from test-split sources only (never seen in training; see docs/data-card.md), "
        "exact ground-truth masks.")
    load = m.get("load_avg_1min_at_start")
    add(f"- Machine: {m['cpu']}, {m['cores']} cores, onnxruntime CPU provider; 1-minute load average at start "
        f"{_f(load, '.1f')}" + (" (other work, e.g. training, was running: absolute latencies are pessimistic, "
                                "ratios are measured on the same images in the same run)" if load and load > 1.0
                                else "") + ".\n")

    add("## Targets (issue 3)\n")
    add("| Target | Measured | Result |\n|---|---|---|")
    for t in report["targets"]:
        add(f"| {t['target']} | {t['measured']} | {'pass' if t['pass'] else '**FAIL**'} |")
    add("")

    from .publish import PHOTO_TOLERANCE, TOLERANCE, gate  # publish builds on this module's report

    add("## Bundling gate\n")
    add(f"`python -m trainer.students.publish` copies a style's student into `models/` only when, on these "
        f"composites, it is at most {TOLERANCE} below {SALIENT_DEFAULT} (what the app runs for the style until "
        f"then) in mIoU and in boundary F, at least {TARGETS['speedup']:.0f}× faster than U²-Net, and when, on the "
        f"real photos the app would hand to it, what the app shows agrees with U²-Net no worse than {SALIENT_DEFAULT}'s "
        f"cut-outs do, by at most {PHOTO_TOLERANCE}.\n")
    for style, block in report["styles"].items():
        reasons = gate(block, report.get("photos"), style)
        verdict = "passes: bundled by publish" if not reasons else "not bundled: " + "; ".join(reasons)
        add(f"- `{block['models']['student']['name']}`: {verdict}.")
    add("")
    add("## Segmentation on held-out composites\n")
    add("Same images, same run. *auto* is the app's default path: style classifier → that style's student → "
        f"{report['fallback']} when the student finds nothing (the fallback is the app's `SALIENT_DEFAULT`).\n")
    for style, s in report["styles"].items():
        add(f"### {style} ({s['n']} images)\n")
        add("| Model | mIoU | Boundary F | p50 ms | × faster than U²-Net |\n|---|---|---|---|---|")
        u2 = s["models"]["u2net"]["p50_ms"]
        for row in s["models"].values():
            ratio = f"{u2 / row['p50_ms']:.1f}" if u2 and row["p50_ms"] else "–"
            add(f"| {row['name']} | {_f(row['miou'])} | {_f(row['boundary_f'])} | {_f(row['p50_ms'], '.1f')} "
                f"| {ratio} |")
        routed = ", ".join(f"{e} {n}" for e, n in s["auto_routed"].items())
        add(f"\n{s['models']['student']['name']} found no subject on {s['student_empty']} of {s['n']} images; "
            f"auto, routed by the classifier, used {routed}. p50 is the whole cut-out: input preparation, "
            "onnxruntime, the engine's post-processing and edge refinement; for *auto* it is classify + segment "
            "(including the fallback when it ran) + refine.\n")

    p = report["photos"]
    add("## Agreement with U²-Net on real photos\n")
    add("No ground truth exists for these photos (`resources/samples/`, `tests/data/`), so this is agreement "
        "with the teacher, U²-Net (full), not accuracy. *student*: IoU of the classified style's student's mask "
        f"with U²-Net's (0 when it found nothing); *auto*: what the app shows; *{SALIENT_DEFAULT}*: what the app "
        "showed before any student was bundled.\n")
    add(f"| Photo | Classified as (score) | auto used | student IoU | auto IoU | {SALIENT_DEFAULT} IoU |\n"
        "|---|---|---|---|---|---|")
    for i in p["items"]:
        add(f"| {i['file']} | {i['style'] or '–'} ({_f(i.get('style_score'), '.2f')}) | {i['engine']} "
            f"| {i['iou_student']:.3f} | {i['iou_auto']:.3f} | {_f(i.get(f'iou_{SALIENT_DEFAULT}'))} |")
    add(f"| **mean of {p['n']}** | | | **{_f(p['miou_student'])}** | **{_f(p['miou_auto'])}** "
        f"| **{_f(p.get(f'miou_{SALIENT_DEFAULT}'))}** |\n")

    c = report["classifier"]
    add("## Style classifier\n")
    if c is None:
        add("No style classifier is installed; nothing measured.\n")
    else:
        add(f"`{c['name']}` through the engine's `StyleClassifier`.\n")
        for key, title in (("eval_sample", "Committed eval sample (`tests/data/style_eval`, redistributable)"),
                           ("test_composites", "Held-out student test composites, labelled by style")):
            if key in c:
                b = c[key]
                add(f"**{title}**: accuracy {b['accuracy']:.1%} of {b['n']}.\n")
                L.extend(_confusion(b))
                add("")
        if c.get("eval_sample", {}).get("errors"):
            add("Misclassified in the eval sample: " + ", ".join(f"`{f}` → {p_} ({sc:.2f})"
                                                              for f, p_, sc in c["eval_sample"]["errors"]) + ".\n")
        lat = c["latency"]
        add(f"Latency on a {lat['input']} image: classify p50 {lat['classify_p50_ms']} ms (p90 "
            f"{lat['classify_p90_ms']} ms), of which onnxruntime {lat['model_p50_ms']} ms.\n")

    add("## Latency of the app's auto path, per stage (p50 ms over the composites)\n")
    add("| " + " | ".join(report["stages_p50_ms"]) + " |\n|" + "---|" * len(report["stages_p50_ms"]))
    add("| " + " | ".join(_f(v, ".1f") for v in report["stages_p50_ms"].values()) + " |\n")
    add("*segment* includes the U²-Netp fallback where the student found nothing; *refine* is the cut-out's edge "
        "refinement.\n")

    add("## File sizes\n")
    add("| Model | ONNX size |\n|---|---|")
    for name, size in report["sizes"].items():
        add(f"| {name} | {size / 2**20:.1f} MB |")
    add("")

    rel = os.path.relpath(sheet, doc.parent).replace(os.sep, "/")
    add("## Cut-outs\n")
    add(f"![Input, ground truth, student and U²-Net cut-outs]({rel})\n")
    add("Per style, the two best and the three worst test composites by student IoU: the input, the ground truth, "
        "the student's and U²-Net's cut-outs (binary masks over a checkerboard).\n")

    add("## Training state\n")
    training = report.get("training") or {}
    for style, t in training.items():
        best = f"best epoch {t['best_epoch']}; " if t.get("best_epoch") is not None else ""
        add(f"- {style}: `{Path(t['checkpoint']).name}` at {t['imgsz']} px holds {t['epochs_in_checkpoint']} of "
            f"{t['epochs_planned']} planned epochs of its run ({best}saved {t['saved']}); "
            f"validation mask mAP50 {_f(t['val_mask_map50'])}, mAP50-95 {_f(t['val_mask_map50_95'])}"
            + (f"; the run's `results.csv` records {t['epochs_done_in_run']} finished epochs." if "epochs_done_in_run"
               in t else "."))
    if not training:
        add("- The students were given as ONNX files; their training history is not recorded here.")
    add("- Training has three phases (`trainer/students/build.py`, each resumes from its last.pt): 12 epochs from "
        "random weights on both styles' composites on a 40-epoch linear schedule (`student_base_last.pt`); a "
        "14-epoch run from those weights whose learning rate anneals to ~0 and whose last 4 epochs drop mosaic "
        "(`student_best.pt`, 320 px); then one copy per style fine-tuned on that style's composites only, at "
        "416 px, the size the app runs it (`student_<style>_best.pt`). Rebuild or continue: "
        "`.venv/bin/python -m trainer.students.build`. It uses a GPU when one is available.")
    add("- A borrowed GPU machine with no network continues phase 3 for a fixed time per style: "
        "`python -m trainer.students.remote pack BUNDLE` here, `python3 BUNDLE/remote.py train BUNDLE --out DIR` "
        "there, then copy the checkpoints from DIR into `trainer/checkpoints/` (the epoch counts above are that "
        "run's).")
    add("- Then rerun this card: `stickerstudio-train eval --students --checkpoint "
        "trainer/checkpoints/student_best.pt` scores the shared phase-2 student; with no `--checkpoint` and no "
        "bundled students it takes each style's phase-3 checkpoint (`--checkpoint STYLE=PT` picks one per style, "
        "`--limit N` scores the first N test composites per style). Bundle what passes the gate: "
        "`python -m trainer.students.publish`. `make train-models` runs all of it, classifier included.\n")
    return "\n".join(L)


def write_card(report: dict, scores: list[ImageScore], doc: Path = DOC,
               command: str = "stickerstudio-train eval --students") -> tuple[Path, Path]:
    """docs/model-card.md and docs/images/model-card-cutouts.png (beside *doc*); the real-judge section stays."""
    from stickerstudio_desktop.files import atomic_write_bytes

    from ..realcard import keep_section

    sheet = contact_sheet(pick_cases(scores), doc.parent / "images" / "model-card-cutouts.png")
    old = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    atomic_write_bytes(doc, keep_section(old, render_card(report, sheet, doc, command)).encode())
    return doc, sheet


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


def _run_csv(checkpoint: Path, data_dir: Path) -> Path:
    """The results.csv of the run that wrote a checkpoint in trainer/checkpoints."""
    stem = Path(checkpoint).stem.removesuffix("_best").removesuffix("_last")
    style = stem.removeprefix("student_")
    run = f"special-{style}" if style in STYLES else "finish"
    return data_dir / run / "train" / "results.csv"


def evaluate_students(paths: AppPaths, *, checkpoints: dict[str, Path] | None = None,
                      models_dir: Path | None = None, data_dir: Path | None = None, limit: int | None = None,
                      doc: Path | None = None, imgsz: int | None = None, command: str = "", log: Log = print,
                      **run_options) -> dict:
    """The whole harness: choose and (if needed) export the students, measure, write the card.

    *checkpoints* maps each style to the ultralytics checkpoint to export (at its training size
    unless *imgsz* is given); a style left out gets ``default_checkpoints()``'s.
    """
    flags = [f"--checkpoint {style}={_display(p)}" for style, p in (checkpoints or {}).items()]
    flags += [f"{flag} {_display(v) if isinstance(v, Path) else v}" for flag, v in
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
            training[style] = {**checkpoint_state(ckpt, _run_csv(ckpt, data_dir)), "imgsz": size}
        source = "checkpoints exported to static ONNX: " + ", ".join(
            f"{style} `{_display(Path(checkpoints[style]))}` at {training[style]['imgsz']} px" for style in STYLES)
    else:
        students = student_files(Path(models_dir))
        source = f"ONNX files in `{_display(models_dir)}`"
    report, scores = run(students, paths, data_dir=data_dir, limit=limit, source=source, training=training,
                         tune=checkpoints is not None, log=log, **run_options)
    doc_path, sheet = write_card(report, scores, Path(doc) if doc else DOC, command)
    report["card"], report["contact_sheet"] = str(doc_path), str(sheet)
    if checkpoints is not None:
        (data_dir / "eval").mkdir(parents=True, exist_ok=True)
        (data_dir / "eval" / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT_DIR))
    except ValueError:
        return str(path)
