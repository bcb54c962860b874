"""One learning cycle: collect → label → route → fine-tune → export → gate → promote.

Everything runs under the cross-process lock. A cycle never raises for a
bad item (it is skipped and counted) and reports its own failure as an
outcome, so the scheduler and the CLI get one result dict either way. A
marker file records the stage; finding it at start means the last run was
killed, and the cycle says so after cleaning up what that run left.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import numpy as np

from stickerstudio_desktop.config.paths import AppPaths, app_paths
from stickerstudio_desktop.errors import ImageLoadError, StickerStudioError
from stickerstudio_desktop.files import atomic_write_bytes
from stickerstudio_desktop.imaging import load_image, probe_image
from stickerstudio_desktop.metrics import METRICS

from .dataset import DatasetStore, fit
from .faults import pause_point
from .lock import RunLock, TrainerBusy
from .modelstore import ModelStore
from .routing import STYLES, model_name
from .settings import TrainerSettings, load_trainer_settings
from .sources import Candidate, SourceSkip, SourceStop, open_source
from .state import TrainerState
from .teacher import TeacherError

log = logging.getLogger(__name__)

EventCallback = Callable[[dict[str, Any]], None]
OUTCOMES = ("promoted", "rejected", "no_new_data", "failed")


def lock_for(paths: AppPaths) -> RunLock:
    return RunLock(paths.trainer / "run.lock")


def last_result_file(paths: AppPaths) -> Path:
    return paths.trainer / "last_result.json"


def read_last_result(paths: AppPaths) -> dict[str, Any] | None:
    try:
        data = json.loads(last_result_file(paths).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _rgb(img) -> np.ndarray:
    """RGB array; transparent pixels are flattened onto white as the app does."""
    if img.mode == "RGBA":
        arr = np.asarray(img).astype(np.float32)
        a = arr[..., 3:4] / 255.0
        return (arr[..., :3] * a + 255.0 * (1.0 - a)).astype(np.uint8)
    return np.asarray(img.convert("RGB"))


@dataclass
class Tally:
    added: Counter = field(default_factory=Counter)  # style → train/val images added
    eval_added: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # reason → n


class Cycle:
    def __init__(self, paths: AppPaths, settings: TrainerSettings, on_event: EventCallback | None = None,
                 trigger: str = "manual") -> None:
        self.paths = paths
        self.settings = settings
        self.on_event = on_event
        self.trigger = trigger
        self.notes: list[str] = []
        self.marker = paths.trainer / "current_run.json"
        self.open_runs: set[str] = set()  # MLflow runs to close as FAILED if the cycle breaks

    # -- plumbing -----------------------------------------------------------------
    def emit(self, kind: str, message: str, progress: float | None = None) -> None:
        event: dict[str, Any] = {"kind": kind, "message": message}
        if progress is not None:
            event["progress"] = round(min(1.0, max(0.0, progress)), 3)
        log.info("%s: %s", kind, message)
        if self.on_event:
            try:
                self.on_event(event)
            except Exception:  # a broken listener must not break training
                log.exception("training event listener failed")

    def stage(self, name: str) -> None:
        atomic_write_bytes(self.marker, json.dumps({"stage": name, "started": self.started.isoformat(),
                                                    "trigger": self.trigger}).encode())

    def _interrupted(self) -> None:
        """Note a previous run that never finished (its stage marker is still there)."""
        try:
            previous = json.loads(self.marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self.notes.append(f"The previous run (started {previous.get('started', '?')}) was interrupted during "
                          f"{previous.get('stage', '?')}; its partial files were cleaned up and the champion "
                          "was left as it was.")

    def recover(self) -> None:
        """Remove the temp files a killed run left (ours only)."""
        for name in (model_name(s) for s in STYLES):
            self.store.recover(name)
        for folder in (self.paths.trainer / "datasets", self.paths.trainer / "eval"):
            if folder.is_dir():
                for tmp in folder.rglob(".*.part"):
                    tmp.unlink(missing_ok=True)

    # -- the cycle ----------------------------------------------------------------------
    def run(self, sources: list[str] | None = None, stale_lock: dict | None = None) -> dict[str, Any]:
        self.started = _now()
        t0 = time.monotonic()
        self.tally = Tally()
        result: dict[str, Any] = {"outcome": "failed", "started": self.started.isoformat(timespec="seconds"),
                                  "trigger": self.trigger, "mlflow_run_id": None, "mlflow_run_ids": {},
                                  "promoted": {}, "gate": None, "champion": {}, "challenger": {}}
        self.emit("started", "Training run started.", 0.0)
        try:
            if stale_lock:
                self.notes.append(f"Cleared a stale lock left by PID {stale_lock.get('pid', '?')}.")
            self.paths.trainer.mkdir(parents=True, exist_ok=True)
            self._interrupted()
            self.stage("setup")
            pause_point("cycle-start", self.paths.trainer)
            self._setup()
            self.recover()
            self.stage("collect")
            self._collect(sources if sources is not None else self.settings.sources)
            result.update(self._train_and_gate())
        except Exception as exc:  # reported as the run's outcome, never as a crash of the caller
            log.exception("training run failed")
            message = str(exc) if isinstance(exc, StickerStudioError) else f"{type(exc).__name__}: {exc}"
            result.update(outcome="failed", summary=f"Training failed: {message}")
            for run_id in list(self.open_runs):
                self.tracker.tag(run_id, "error", message[:500])
                self.tracker.finish(run_id, "FAILED")
        finished = _now()
        duration = time.monotonic() - t0
        result.update(self._report(), finished=finished.isoformat(timespec="seconds"),
                      duration_s=round(duration, 2), notes=self.notes)
        self._publish(result["outcome"], duration, finished)
        try:
            atomic_write_bytes(last_result_file(self.paths), json.dumps(result, indent=2, default=str).encode())
            self.marker.unlink(missing_ok=True)
        except OSError as exc:
            self.notes.append(f"Could not record the result ({exc.strerror or exc}).")
        if result["outcome"] == "failed":
            self.emit("failed", result["summary"], 1.0)
        else:
            self.emit("finished", result["summary"], 1.0)
        return result

    def _setup(self) -> None:
        from .models import trainer_pipeline

        s = self.settings
        self.state = TrainerState(self.paths.trainer / "state.sqlite3")
        self.store = ModelStore(self.paths, s.keep_versions)
        self.data = DatasetStore(self.paths.trainer, self.state)
        self.pipeline = trainer_pipeline(self.paths, s.imgsz)

    @cached_property
    def teacher(self):
        from .teacher import choose_teacher

        s = self.settings
        teacher, note = choose_teacher(s.teacher, self.pipeline, trainer_dir=self.paths.trainer,
                                       threshold=s.teacher_threshold, min_confidence=s.teacher_min_confidence,
                                       min_area=s.teacher_min_area)
        self.notes.append(note)
        return teacher

    @cached_property
    def router(self):
        from .routing import StyleRouter

        router = StyleRouter(self.pipeline)
        if router.note:
            self.notes.append(router.note)
        return router

    @cached_property
    def tracker(self):
        from .tracking import Tracker

        return Tracker.for_paths(self.paths, self.settings.tracking_uri)

    # -- collecting and labelling -------------------------------------------------------------
    def _collect(self, specs: list[str]) -> None:
        if not specs:
            self.notes.append("No image sources are configured; only data already collected is used.")
            return
        self.teacher, self.router  # noqa: B018 - load the models (and their notes) before the first image
        client = None
        for n, spec in enumerate(specs):
            try:
                source = open_source(spec, self.paths, self.settings, client)
            except StickerStudioError as exc:
                self.notes.append(str(exc))
                continue
            client = getattr(source, "client", client)  # one polite client (and rate limit) for all web sources
            self.emit("progress", f"Collecting images from {spec}.", 0.4 * n / len(specs))
            added, cap = 0, max(1, self.settings.max_new_images)
            try:
                for cand in source.candidates(self.state):
                    if added >= self.settings.max_new_images:
                        break
                    if self._ingest(source.kind, cand):
                        added += 1
                        self.emit("progress", f"{spec}: {added} new image(s) labelled.",
                                  0.4 * (n + min(1.0, added / cap)) / len(specs))
            except SourceSkip as exc:  # the source as a whole failed (page fetch, missing folder, refusal)
                self._skip(source.kind, exc.reason)
                self.notes.append(str(exc))

    def _skip(self, kind: str, reason: str, key: str | None = None, sha: str | None = None) -> int:
        self.tally.skipped[reason] += 1
        METRICS.images_skipped.labels(kind, reason).inc()
        if key:
            self.state.mark(key, kind, reason, sha)
        return 0

    def _ingest(self, kind: str, cand: Candidate) -> int:
        """Fetch, check, label and file one candidate; 1 when it was added."""
        s = self.settings
        try:
            raw = cand.fetch()
        except SourceStop:
            raise
        except SourceSkip as exc:
            return self._skip(kind, exc.reason, cand.key)
        sha = hashlib.sha256(raw).hexdigest()
        if self.state.has_hash(sha):
            return self._skip(kind, "duplicate", cand.key, sha)
        try:
            info = probe_image(raw, name=cand.origin[-80:])
            if min(info.width, info.height) < s.min_image_side:
                return self._skip(kind, "too_small", cand.key, sha)
            rgb = fit(_rgb(load_image(raw, max_pixels=int(s.max_image_megapixels * 1e6), name=cand.origin[-80:])))
        except ImageLoadError:
            return self._skip(kind, "corrupt", cand.key, sha)
        try:
            label = self.teacher.label(rgb)
        except TeacherError:
            return self._skip(kind, "no_subject", cand.key, sha)
        except Exception:  # the teacher itself broke on this image: retried on a later run
            log.exception("teacher failed on %s", cand.origin)
            return self._skip(kind, "teacher", cand.key, sha)
        try:
            style = self.router.route(rgb)
        except Exception:
            log.exception("style classifier failed on %s", cand.origin)
            return self._skip(kind, "classifier", cand.key, sha)
        split = self.data.choose_split(style, s.eval_size)
        try:
            self.data.add(style, split, sha, rgb, label, source=kind, origin=cand.origin, teacher=self.teacher.name)
        except OSError as exc:
            return self._skip(kind, "disk" if exc.errno == errno.ENOSPC else "write", cand.key, sha)
        self.state.mark(cand.key, kind, "added", sha)
        METRICS.images_scraped.labels(kind).inc()
        if split == "eval":
            self.tally.eval_added[style] += 1
        else:
            self.tally.added[style] += 1
            self.state.mark_pending(style)
        return 1

    # -- training, gate, promotion --------------------------------------------------------------
    def _trainable(self) -> list[str]:
        styles = []
        for style in self.state.pending():
            if style not in STYLES:
                continue
            if not self.data.eval_items(style):
                self.notes.append(f"The {style} style has no evaluation images yet, so it is not trained.")
            elif not self.state.images(style, "train"):
                self.notes.append(f"The {style} style has no training images yet.")
            else:
                styles.append(style)
        return styles

    def _train_and_gate(self) -> dict[str, Any]:
        styles = self._trainable()
        if not styles:
            return {"outcome": "no_new_data", "summary": "No new images to learn from; the champion is unchanged."}
        challengers: dict[str, dict[str, Any]] = {}
        for i, style in enumerate(styles):
            got = self._train_one(style, 0.4 + 0.4 * i / len(styles), 0.4 / len(styles))
            if got:
                challengers[style] = got
        out: dict[str, Any] = {"mlflow_run_ids": {s: c["run_id"] for s, c in challengers.items() if c["run_id"]}}
        out["mlflow_run_id"] = next(iter(out["mlflow_run_ids"].values()), None)
        if not challengers:
            return {**out, "outcome": "failed", "summary": "No challenger could be trained; see the notes."}
        self.stage("gate")
        self.emit("progress", "Evaluating champion and challenger on the evaluation set.", 0.85)
        decision, champion = self._gate(challengers)
        out.update(gate=decision.to_dict(), champion=champion,
                   challenger={s: {"miou": decision.per_style.get(s, {}).get("challenger_miou"),
                                   "mlflow_model_version": c["model_version"]} for s, c in challengers.items()})
        promoted = self._conclude(challengers, decision)
        out["promoted"] = promoted
        if decision.promote:
            names = ", ".join(f"{n} {v}" for n, v in promoted.items())
            return {**out, "outcome": "promoted", "summary": f"{decision.reason} New champion: {names}."}
        return {**out, "outcome": "rejected", "summary": decision.reason + " The champion stays."}

    def _train_one(self, style: str, p0: float, span: float) -> dict[str, Any] | None:
        from .export import export_onnx, verify_onnx
        from .finetune import base_weights, finetune, pick_device

        s = self.settings
        name = model_name(style)
        work = self.paths.trainer / "work" / style
        self.stage(f"train:{style}")
        run_id = self.tracker.start(name, f"{name}-{self.started:%Y%m%d-%H%M%S}",
                                    {"trigger": self.trigger, "style": style, "teacher": self.teacher.name})
        if run_id:
            self.open_runs.add(run_id)
        try:
            data_yaml, n_train, n_val = self.data.write_yaml(style, work)
            base = base_weights(self.store.champion_checkpoint(name), self.paths.trainer, style)
            device = pick_device(s.device)
            eval_items = self.data.eval_items(style)
            self.tracker.params(run_id, {
                "epochs": s.epochs, "imgsz": s.imgsz, "batch": s.batch, "device": device, "base": Path(base).name,
                "teacher": self.teacher.name, "eval_version": self.data.eval_version(),
                "gate_margin": s.gate_margin, "gate_tolerance": s.gate_tolerance, "min_iou": s.min_iou})
            self.tracker.metrics(run_id, {"dataset_train_images": n_train, "dataset_val_images": n_val,
                                          "dataset_eval_images": len(eval_items),
                                          "images_added": self.tally.added[style],
                                          "images_skipped": sum(self.tally.skipped.values())})
            self.emit("progress", f"Fine-tuning {name} on {n_train} images ({device}).", p0)

            def on_epoch(epoch: int, metrics: dict[str, float]) -> None:
                if epoch < 0:  # the best checkpoint's closing validation
                    self.tracker.metrics(run_id, metrics, step=s.epochs)
                    return
                self.tracker.metrics(run_id, metrics, step=epoch)
                self.emit("progress", f"{name}: epoch {epoch + 1}/{s.epochs} done.",
                          p0 + span * 0.8 * (epoch + 1) / s.epochs)

            trained = finetune(data_yaml=data_yaml, base=base, work_dir=work, trainer_dir=self.paths.trainer,
                               epochs=s.epochs, imgsz=s.imgsz, batch=s.batch, workers=s.workers, device=device,
                               on_epoch=on_epoch)
            if trained.resumed:
                self.notes.append(f"{name}: resumed the interrupted training.")
                self.tracker.tag(run_id, "resumed", "true")
            self.stage(f"export:{style}")
            onnx = export_onnx(trained.best, s.imgsz, work / "challenger.onnx", self.paths.trainer)
            samples = [item.load()[0] for item in eval_items[:2]]
            verified = verify_onnx(onnx, self.pipeline, name, samples)
            self.tracker.params(run_id, {"onnx_input": verified["input"], "onnx_output0": verified["output0"]})
            self.tracker.artifact(run_id, onnx, "model")
            version = self.tracker.register(name, run_id, f"model/{onnx.name}", "challenger")
            return {"run_id": run_id, "onnx": onnx, "checkpoint": trained.best, "model_version": version,
                    "verified": verified}
        except Exception as exc:
            log.exception("training %s failed", name)
            message = str(exc) if isinstance(exc, StickerStudioError) else f"{type(exc).__name__}: {exc}"
            self.notes.append(f"{name} could not be trained or exported: {message}")
            self.tracker.tag(run_id, "error", message[:500])
            self.tracker.finish(run_id, "FAILED")
            self.open_runs.discard(run_id)
            return None

    def _gate(self, challengers: dict[str, dict[str, Any]]):
        from .evaluate import run_gate
        from .realgt import load_items, missing_message

        s = self.settings
        real = load_items("eval")
        if not real:
            self.notes.append(missing_message())
        decision, champ = run_gate(self.pipeline, self.data, {k: c["onnx"] for k, c in challengers.items()},
                                   margin=s.gate_margin, tolerance=s.gate_tolerance, min_iou=s.min_iou,
                                   real_items=real[:s.real_judge_size] if s.real_judge_size else real)
        champion = {style: {"version": (self.store.current(model_name(style)) or {}).get("version"), "miou": m}
                    for style, m in champ.items()}
        return decision, champion

    def _conclude(self, challengers: dict[str, dict[str, Any]], decision) -> dict[str, str]:
        promoted: dict[str, str] = {}
        eval_version = self.data.eval_version()
        if decision.promote:
            self.stage("promote")
        for style, ch in challengers.items():
            name = model_name(style)
            per = decision.per_style.get(style, {})
            run_id = ch["run_id"]
            self.tracker.metrics(run_id, {"gate_champion_miou": per.get("champion_miou"),
                                          "gate_challenger_miou": per.get("challenger_miou"),
                                          "gate_overall_champion_miou": decision.champion_miou,
                                          "gate_overall_challenger_miou": decision.challenger_miou,
                                          "gate_promoted": 1.0 if decision.promote else 0.0})
            self.tracker.tag(run_id, "gate_decision", "promoted" if decision.promote else "rejected")
            self.tracker.tag(run_id, "gate_reason", decision.reason[:5000])
            if decision.promote:
                ptr = self.store.promote(name, ch["onnx"], checkpoint=ch["checkpoint"], meta={
                    "miou": per.get("challenger_miou"), "eval_version": eval_version, "imgsz": self.settings.imgsz,
                    "mlflow_run_id": run_id, "mlflow_model_version": ch["model_version"]})
                promoted[name] = ptr["version"]
                self.tracker.alias(name, "champion", ch["model_version"])
                self.tracker.tag(run_id, "promoted_version", ptr["version"])
                self.emit("promoted", f"{name} {ptr['version']} is the new champion "
                                      f"(mIoU {per.get('challenger_miou', 0):.3f}).", 0.97)
            self.state.clear_pending(style)
            summary = self.paths.trainer / "work" / style / "data_summary.json"
            atomic_write_bytes(summary, json.dumps(self._report(), indent=2, default=str).encode())
            self.tracker.artifact(run_id, summary)
            self.tracker.finish(run_id)
            self.open_runs.discard(run_id)
        return promoted

    # -- reporting ------------------------------------------------------------------------------
    def _report(self) -> dict[str, Any]:
        t = getattr(self, "tally", Tally())
        report: dict[str, Any] = {
            "images_added": {s: t.added[s] for s in STYLES},
            "eval_images_added": {s: t.eval_added[s] for s in STYLES},
            "skipped": dict(t.skipped),
        }
        if hasattr(self, "state"):
            report["dataset"] = self.state.counts()
            report["eval_version"] = self.data.eval_version()
        if "teacher" in self.__dict__:
            report["teacher"] = self.teacher.name
        if "router" in self.__dict__:
            report["classifier"] = self.router.available
        if "tracker" in self.__dict__:
            report["tracking_uri"] = self.tracker.uri
            report["tracking_errors"] = self.tracker.errors
        return report

    def _publish(self, outcome: str, duration: float, finished: datetime) -> None:
        from .telemetry import publish_all, publish_run

        publish_run(outcome, duration, finished)
        if hasattr(self, "state"):
            publish_all(self.store, self.state)


def run_cycle(paths: AppPaths | None = None, settings: TrainerSettings | None = None, *,
              sources: list[str] | None = None, on_event: EventCallback | None = None,
              trigger: str = "manual") -> dict[str, Any]:
    """One full cycle under the run lock; TrainerBusy when another run holds it."""
    paths = paths or app_paths()
    settings = settings or load_trainer_settings(paths.trainer)
    lock = lock_for(paths)
    if not lock.acquire():
        METRICS.training_runs.labels("refused").inc()
        info = lock.holder() or {}
        raise TrainerBusy(f"Another training run is in progress (PID {info.get('pid', '?')}, "
                          f"started {info.get('started', '?')}); try again when it has finished.")
    try:
        return Cycle(paths, settings, on_event, trigger).run(sources, stale_lock=lock.cleared_stale)
    finally:
        lock.release()
