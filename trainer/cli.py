"""``stickerstudio-train``: run-once, schedule, status, eval, rollback.

Exit codes: 0 done (a rejected challenger is a normal outcome), 1 the run
or command failed, 2 usage error, 3 another run holds the lock. ``--json``
prints exactly one JSON object on stdout; library chatter goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Sequence

from stickerstudio_desktop.config.paths import HOME_ENV, app_paths
from stickerstudio_desktop.config.settings import parse_hhmm
from stickerstudio_desktop.config.store import SettingsStore
from stickerstudio_desktop.engine.names import STYLES, YOLO_MODELS
from stickerstudio_desktop.errors import ConfigError, StickerStudioError

from .lock import TrainerBusy

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3
log = logging.getLogger("stickerstudio.train")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", metavar="DIR", help=f"keep all per-user state under DIR (same as {HOME_ENV})")
    common.add_argument("--debug", action="store_true", help="show tracebacks and library logs")
    common.add_argument("--json", action="store_true", help="print one JSON object")
    parser = argparse.ArgumentParser(prog="stickerstudio-train",
                                     description="Improve Sticker Studio's segmentation models from new images.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ro = sub.add_parser("run-once", parents=[common], help="collect, label, fine-tune, gate and maybe promote")
    ro.add_argument("--source", action="append", metavar="SPEC",
                    help="folder:DIR, pinterest:QUERY_OR_BOARD_URL or stickers (repeatable; default: settings)")
    ro.add_argument("--epochs", type=int)
    ro.add_argument("--imgsz", type=int)
    ro.add_argument("--batch", type=int)
    ro.add_argument("--teacher", choices=("auto", "u2net", "u2netp", "detectron2"))

    sc = sub.add_parser("schedule", parents=[common], help="run nightly until stopped; serve /metrics")
    sc.add_argument("--at", metavar="HH:MM", help="local time of the nightly run (default: settings)")
    sc.add_argument("--metrics-port", type=int, metavar="N", help="port for /metrics on 127.0.0.1")

    sub.add_parser("status", parents=[common], help="champions, datasets, last run")
    ev = sub.add_parser("eval", parents=[common], help="score the champions on the evaluation set; with --students, "
                        "measure the bundled students and write docs/model-card.md")
    ev.add_argument("--real", action="store_true",
                    help="score every engine on the real photos with human masks (../shared/realgt, eval split) "
                    "and write their section of docs/model-card.md")
    ev.add_argument("--report", type=Path, metavar="FILE",
                    help="where --real writes its JSON report (default: .cache/realgt/report.json)")
    ev.add_argument("--art", type=Path, metavar="DIR",
                    help="held-out illustration composites for --real (default: .cache/heldout_art)")
    ev.add_argument("--students", action="store_true",
                    help="evaluate the students (implied by the options below)")
    ev.add_argument("--checkpoint", action="append", metavar="[STYLE=]PT",
                    help="export this checkpoint to ONNX and evaluate it, for both styles or (STYLE=PT) one; "
                    "repeatable (default: models/yolo_*.onnx if bundled, else each style's "
                    "trainer/checkpoints/student_<style>_best.pt, or student_best.pt)")
    ev.add_argument("--models", "--onnx-dir", dest="models", type=Path, metavar="DIR",
                    help=f"a folder holding {' and '.join(m + '.onnx' for m in YOLO_MODELS)}")
    ev.add_argument("--data", type=Path, metavar="DIR", help="student composites (default: .cache/students)")
    ev.add_argument("--limit", type=int, metavar="N", help="at most N test composites per style and N photos")
    ev.add_argument("--doc", type=Path, metavar="FILE", help="model card to write (default: docs/model-card.md)")
    rb = sub.add_parser("rollback", parents=[common], help="make the previous version the champion again")
    rb.add_argument("--model", choices=STYLES, default=STYLES[0])
    return parser


def _print(args, data: dict[str, Any], human: str, out=None) -> None:
    out = out or sys.stdout
    if args.json:
        out.write(json.dumps(data, default=str) + "\n")
    else:
        out.write(human.rstrip() + "\n")
    out.flush()


def _settings(paths, args):
    from .settings import load_trainer_settings

    s = load_trainer_settings(paths.trainer)
    return s.replace(epochs=getattr(args, "epochs", None), imgsz=getattr(args, "imgsz", None),
                     batch=getattr(args, "batch", None), teacher=getattr(args, "teacher", None))


def _cmd_run_once(args, paths, stdout) -> int:
    from .loop import run_cycle

    settings = _settings(paths, args)
    if args.source:
        from .sources import parse_source

        for spec in args.source:
            parse_source(spec)

    def on_event(e: dict[str, Any]) -> None:
        if not args.json:
            pct = f"[{e['progress']:>4.0%}] " if "progress" in e else ""
            sys.stderr.write(f"{pct}{e['message']}\n")

    result = run_cycle(paths, settings, sources=args.source, on_event=on_event, trigger="cli")
    lines = [result.get("summary", "")]
    added = result.get("images_added", {})
    lines.append("Images added: " + ", ".join(f"{k} {v}" for k, v in added.items()))
    if result.get("skipped"):
        lines.append("Skipped: " + ", ".join(f"{k} {v}" for k, v in result["skipped"].items()))
    if result.get("mlflow_run_id"):
        lines.append(f"MLflow run: {result['mlflow_run_id']}")
    lines += result.get("notes", [])
    _print(args, result, "\n".join(lines), stdout)
    return EXIT_FAILED if result["outcome"] == "failed" else EXIT_OK


def _cmd_status(args, paths, stdout) -> int:
    from .status import status

    st = status(paths, _settings(paths, args))
    lines = []
    for name, m in st["models"].items():
        miou = f", mIoU {m['miou']:.3f}" if m.get("miou") is not None else ""
        lines.append(f"{name}: {m['version'] or 'none promoted'}{miou} (kept: {', '.join(m['versions']) or '-'})")
    lines.append("Dataset: " + (", ".join(f"{s} {d}" for s, d in st["dataset"].items()) or "empty"))
    lines.append(f"Evaluation set version: {st['eval_version']}")
    if st["running"]:
        lines.append(f"Running now: PID {st['running'].get('pid')} since {st['running'].get('started')}")
    if st["last_result"]:
        lines.append(f"Last run: {st['last_result'].get('outcome')} at {st['last_result'].get('finished')}: "
                     f"{st['last_result'].get('summary')}")
    _print(args, st, "\n".join(lines), stdout)
    return EXIT_OK


def _cmd_eval(args, paths, stdout) -> int:
    if args.real:
        return _cmd_eval_real(args, paths, stdout)
    if args.students or any(v is not None for v in (args.checkpoint, args.models, args.data, args.limit, args.doc)):
        return _cmd_eval_students(args, paths, stdout)
    from .status import evaluate_champions

    ev = evaluate_champions(paths, _settings(paths, args))
    lines = [f"Evaluation set version {ev['eval_version']}"]
    for name, m in ev["models"].items():
        score = f"mIoU {m['miou']:.3f}" if m["miou"] is not None else "not evaluated"
        real = f"; mIoU {m['real_miou']:.3f} on {m['real_photos']} real photos" if "real_miou" in m else ""
        lines.append(f"{name} {m['version'] or '-'}: {score} on {m['images']} images{real}")
    _print(args, ev, "\n".join(lines), stdout)
    return EXIT_OK


def _cmd_eval_real(args, paths, stdout) -> int:
    from stickerstudio_desktop.engine.pipeline import Pipeline

    from . import realcard

    rep = realcard.run(Pipeline(paths=paths), art_dir=args.art or realcard.ART_DIR, doc=args.doc or realcard.DOC,
                       report_path=args.report or realcard.REPORT, limit=args.limit,
                       log=lambda m: sys.stderr.write(m + "\n"))
    lines = [f"{judge} · {name}: mIoU {s['miou']:.3f} on {s['n']}, p50 {s['p50_ms']} ms "
             f"({block['time_vs_reference'][name]}× {realcard.REFERENCE}'s time)"
             for judge, block in rep["judges"].items() for name, s in block["engines"].items()]
    lines += rep["notes"] + [f"Wrote {rep['card']} and {rep['report']}."]
    _print(args, rep, "\n".join(lines), stdout)
    return EXIT_OK


def _cmd_eval_students(args, paths, stdout) -> int:
    from .students.checkpoints import parse_checkpoints
    from .students.evaluate import evaluate_students

    rep = evaluate_students(paths, checkpoints=parse_checkpoints(args.checkpoint), models_dir=args.models,
                            data_dir=args.data,
                            limit=args.limit, doc=args.doc, log=lambda m: sys.stderr.write(m + "\n"))
    lines = []
    for s in rep["styles"].values():
        st, u2 = s["models"]["student"], s["models"]["u2net"]
        lines.append(f"{st['name']}: mIoU {st['miou']:.3f}, boundary F {st['boundary_f']:.3f} on {s['n']} images "
                     f"(U²-Net {u2['miou']:.3f}); {s['speedup_vs_u2net']}× faster than U²-Net")
    passed = sum(t["pass"] for t in rep["targets"])
    lines.append(f"Targets met: {passed} of {len(rep['targets'])}. Wrote {rep['card']} and {rep['contact_sheet']}.")
    _print(args, rep, "\n".join(lines), stdout)
    return EXIT_OK


def _cmd_rollback(args, paths, stdout) -> int:
    from .loop import lock_for
    from .modelstore import ModelStore
    from .routing import model_name

    settings = _settings(paths, args)
    name = model_name(args.model)
    with lock_for(paths).held():  # never switch the pointer under a running promotion
        ptr = ModelStore(paths, settings.keep_versions).rollback(name)
    if ptr.get("mlflow_model_version"):
        from .tracking import Tracker

        tracker = Tracker.for_paths(paths, settings.tracking_uri)
        tracker.alias(name, "champion", str(ptr["mlflow_model_version"]))
    _print(args, {"model": name, **ptr}, f"{name} is back at {ptr['version']} (was {ptr['rolled_back_from']}).",
           stdout)
    return EXIT_OK


def _cmd_schedule(args, paths, stdout) -> int:
    from stickerstudio_desktop.metrics import serve_metrics

    from .scheduler import NightlyScheduler
    from .telemetry import bind_host_metrics, publish_all

    store = SettingsStore(paths.settings_file)
    if store.problem:
        stdout.write(f"warning: {store.problem}\n")
    app = store.settings
    if args.at:
        parse_hhmm(args.at)
        app.nightly_time, app.nightly_enabled = args.at, True
    port = args.metrics_port if args.metrics_port is not None else app.metrics_port
    if not 0 <= port <= 65535:
        raise ConfigError("The metrics port must be between 1 and 65535 (0 picks a free one).")
    _settings(paths, args)  # validate now, not at night
    bind_host_metrics(paths.data)
    from .modelstore import ModelStore
    from .state import TrainerState

    publish_all(ModelStore(paths), TrainerState(paths.trainer / "state.sqlite3"))
    try:
        server, _ = serve_metrics(port)
    except OSError as exc:
        raise ConfigError(f"Port {port} on 127.0.0.1 is not available for /metrics ({exc.strerror or exc}).") from None
    port = server.server_port
    done = threading.Event()

    def on_event(e: dict[str, Any]) -> None:
        stdout.write(json.dumps(e) + "\n" if args.json else f"{e['kind']}: {e['message']}\n")
        stdout.flush()

    sched = NightlyScheduler(paths, app, on_event=on_event, store=store)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    sched.start()
    nxt = sched.next_run
    on_event({"kind": "scheduled", "next_run": nxt.isoformat() if nxt else None, "metrics_port": port,
              "message": f"Next run {nxt:%Y-%m-%d %H:%M}; /metrics on 127.0.0.1:{port}."
              if nxt else f"No nightly run is enabled; /metrics on 127.0.0.1:{port}."})
    done.wait()
    sched.stop()
    server.shutdown()
    sched.wait()  # a run in progress finishes (the lock keeps its work consistent either way)
    return EXIT_OK


COMMANDS = {"run-once": _cmd_run_once, "schedule": _cmd_schedule, "status": _cmd_status, "eval": _cmd_eval,
            "rollback": _cmd_rollback}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    import os

    os.environ.setdefault("YOLO_VERBOSE", "True" if args.debug else "False")
    paths = app_paths(args.home)
    stdout = sys.stdout
    try:
        # Libraries (ultralytics, MLflow) print to stdout; keep it for our own output.
        with contextlib.redirect_stdout(sys.stderr):
            return COMMANDS[args.command](args, paths, stdout)
    except TrainerBusy as exc:
        _print(args, {"outcome": "busy", "error": str(exc)}, f"error: {exc}", stdout if args.json else sys.stderr)
        return EXIT_BUSY
    except StickerStudioError as exc:
        if args.debug:
            log.exception("command failed")
        _print(args, {"outcome": "error", "error": str(exc)}, f"error: {exc}", stdout if args.json else sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
