"""The routing table: what ``auto`` runs for each style, decided on the real-image judges.

A style goes to its YOLO student only where that student (already through the bundling gate
on held-out composites) is at least as good as U²-Net (full) on the style's judge, overall and
in every source and category; otherwise to the best of the salient models and the manifest's
cascade (U²-Netp, and U²-Net where its cut-out is unsure: ``trainer.cascade``) on that judge,
the faster one on a tie. Quality wins over speed. Images of unclear style go to the salient
model that cuts photos best: a student is never asked to cut what the classifier cannot place.

    python -m trainer.routes [--report .cache/realgt/report.json] [--models models/]

reads the report of ``stickerstudio-train eval --real`` and rewrites the manifest's table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.engine.manifest import CASCADE, STUDENT, UNCLEAR, load_manifest
from stickerstudio_desktop.engine.names import yolo_model
from stickerstudio_desktop.errors import StickerStudioError

from .manifest_writer import update_routing
from .realcard import JUDGES, REPORT, SALIENT, verdict


def decide_routes(report: dict, current: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(routing table, one reason per style) from a real-judge report; a style without a judge keeps *current*."""
    routes = dict(current)
    reasons = []
    unclear = current.get(UNCLEAR, SALIENT[0])
    for judge, style in JUDGES.items():
        block = report.get("judges", {}).get(judge)
        if not block:
            reasons.append(f"{style}: no {judge} judge in the report; keeps {current.get(style, STUDENT)}")
            continue
        eng = block["engines"]
        order = [e for e in (SALIENT[0], CASCADE, *SALIENT[1:]) if e in eng]  # fastest first: a tie goes to it
        best = max(order, key=lambda e: (eng[e]["miou"], -order.index(e)))
        if judge == "photos":
            unclear = best
        student = yolo_model(style)
        blockers = verdict(block, student) if student in eng else [f"no {student} installed"]
        if not blockers:
            routes[style] = STUDENT
            reasons.append(f"{style}: {student} (mIoU {eng[student]['miou']:.3f}, at least U²-Net's on {judge})")
            continue
        routes[style] = best
        reasons.append(f"{style}: {best} (mIoU {eng[best]['miou']:.3f} on {block['n']} {judge}; "
                       f"{student}: {'; '.join(blockers)})")
    routes[UNCLEAR] = unclear
    return routes, reasons


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", type=Path, default=REPORT)
    ap.add_argument("--models", type=Path, default=ROOT_DIR / "models")
    args = ap.parse_args(argv)
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        current = load_manifest(args.models).routing
        routes, reasons = decide_routes(report, current)
        update_routing(args.models, routes)
        load_manifest(args.models)  # the result must parse
    except (OSError, ValueError, KeyError, TypeError):
        print(f"error: {args.report} is missing or not a report of `stickerstudio-train eval --real`.", file=sys.stderr)
        return 1
    except StickerStudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in reasons:
        print(line)
    print(f"routing: {json.dumps(routes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
