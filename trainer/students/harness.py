"""The student harness: held-out composites, real photos and the classifier, through the app's engine.

On the held-out test composites of each style (exact ground truth) it scores the student,
U²-Net and U²-Netp on the same images in the same run, plus the app's ``auto`` path; it also
measures agreement with U²-Net on the sample photos, each student on its style's real-image
judge (``trainer.realcard``), the style classifier, latency per model and stage, and file sizes.
A predicted mask is the cut-out the app would make of every subject (alpha ≥ 50 % after edge
refinement), as the nightly gate scores it.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from stickerstudio_desktop.config.paths import ROOT_DIR, AppPaths
from stickerstudio_desktop.engine.manifest import Manifest, load_manifest, sha256_file
from stickerstudio_desktop.engine.pipeline import SALIENT_DEFAULT, Pipeline
from stickerstudio_desktop.errors import ConfigError, ModelError

from ..classifier.evaluate import evaluate as evaluate_classifier
from ..classifier.evaluate import latency as classifier_latency
from ..classifier.evaluate import read_rgb
from ..evaluate import predicted_mask
from ..machine import cpu_name
from ..models import yolo_spec
from ..routing import model_name
from ..scoring import SOLID, iou
from ..sheets import mask_thumb, thumb
from .checkpoints import IMGSZ
from .data import DATA_DIR, STYLES, StudentData, style_dir
from .metrics import BOUNDARY_RULE, boundary_f_score, mean, p50
from .publish import TARGETS

STYLE_EVAL = ROOT_DIR / "tests" / "data" / "style_eval"
PHOTOS = tuple(sorted((ROOT_DIR / "resources" / "samples").glob("*.jpg"))
               + sorted((ROOT_DIR / "tests" / "data").glob("*.jpg")))
REFERENCES = ("u2net", "u2netp")

Log = Callable[[str], None]


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
        out["models"][key] = {"name": name, "miou": mean([s.iou[key] for s in scores]),
                              "boundary_f": mean([s.bf[key] for s in scores]),
                              "p50_ms": p50([s.ms[key] for s in scores])}
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
    return {"n": len(items), "items": items, "miou_student": mean([i["iou_student"] for i in items]),
            "miou_auto": mean([i["iou_auto"] for i in items]),
            f"miou_{SALIENT_DEFAULT}": mean([i[f"iou_{SALIENT_DEFAULT}"] for i in items])}


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
    for s in styles.values():
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
        stage_p50 = {k[6:]: p50([s.ms[k] for s in scores if k in s.ms]) for k in stages}
        registry = pipeline.registry
        sizes = {name: registry.path(pipeline.manifest.get(name)).stat().st_size
                 for name in (*REFERENCES, "style_classifier", *(model_name(s) for s in STYLES))
                 if registry.available(name)}
        confs = {style: pipeline.yolo(style).conf for style in STYLES}
        pipeline_sizes = {style: pipeline.yolo(style).input_size for style in STYLES}
    report = {
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": source, "training": training, "data": display_path(data_dir), "limit": limit,
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


def display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT_DIR))
    except ValueError:
        return str(path)
