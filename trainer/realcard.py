"""``stickerstudio-train eval --real``: every engine on the real-photo judge, into the model card.

Scores what the app delivers (``trainer.realgt.pipeline_cutter``) for each engine on the eval
split of ``../shared/realgt``, per source and category, with p50 time against U²-Net measured in
the same run, and draws each engine's worst cases so a person can see what goes wrong. The
section it writes sits between markers in ``docs/model-card.md``; the student harness keeps it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.engine.pipeline import Pipeline
from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.files import atomic_write_bytes

from . import realgt
from .machine import cpu_name
from .sheets import BAD, cell, mask_thumb, thumb, write_sheet

#: auto is what users get; U²-Net (full) is the reference every target is stated against.
ENGINES = ("auto", "u2netp", "u2net")
REFERENCE = "u2net"
#: A source or category may trail the reference by at most this much (the issue's bar).
GROUP_TOLERANCE = 0.03
WORST = 6
DOC = ROOT_DIR / "docs" / "model-card.md"
REPORT = ROOT_DIR / ".cache" / "realgt" / "report.json"
BEGIN, END = "<!-- real-judge:begin -->", "<!-- real-judge:end -->"

Log = Callable[[str], None]


def judge(pipeline: Pipeline, items: Sequence[realgt.RealItem], engines: Sequence[str] = ENGINES,
          log: Log | None = None) -> tuple[dict, dict[str, list[realgt.RealScore]]]:
    """(JSON-ready report, per-engine scores with masks) for *engines* on *items*."""
    if REFERENCE not in engines:
        raise ConfigError(f"The real-photo judge needs {REFERENCE} among the engines: every ratio is against it.")
    scores = {e: realgt.score(items, realgt.pipeline_cutter(pipeline, e), keep_masks=True, log=log, label=e)
              for e in engines}
    summaries = {e: realgt.summarise(s) for e, s in scores.items()}
    ref = summaries[REFERENCE]
    report = {
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "n": len(items), "split": "eval", "reference": REFERENCE, "engines": summaries,
        "time_vs_reference": {e: round(s["p50_ms"] / ref["p50_ms"], 3) if ref["p50_ms"] else None
                              for e, s in summaries.items()},
        "gaps_vs_reference": {e: realgt.worst_groups(s, ref) for e, s in summaries.items() if e != REFERENCE},
        "images": {e: {s.stem: round(s.iou, 4) for s in sc} for e, sc in scores.items()},
        "machine": {"cpu": cpu_name(), "cores": os.cpu_count(),
                    "load_avg_1min_at_end": os.getloadavg()[0] if hasattr(os, "getloadavg") else None},
    }
    return report, scores


def verdict(report: dict, engine: str = "auto") -> list[str]:
    """Why *engine* is not yet at least as good as the reference on real photos (empty: it is)."""
    mine, ref = report["engines"][engine], report["engines"][REFERENCE]
    reasons = []
    if mine["miou"] < ref["miou"]:
        reasons.append(f"mIoU {mine['miou']:.3f} is below {REFERENCE}'s {ref['miou']:.3f}")
    for group, gap in realgt.worst_groups(mine, ref):
        if gap < -GROUP_TOLERANCE:
            reasons.append(f"{group} trails {REFERENCE} by {-gap:.3f}")
    return reasons


def worst_sheet(items: Sequence[realgt.RealItem], scores: Sequence[realgt.RealScore], engine: str,
                reference: Sequence[realgt.RealScore], out: Path, n: int = WORST) -> Path:
    """The *n* photos *engine* cuts worst: photo, human mask, its cut-out, the reference's."""
    by_stem = {i.stem: i for i in items}
    ref = {s.stem: s for s in reference}
    rows = []
    for s in sorted(scores, key=lambda s: s.iou)[:n]:
        rgb, truth = by_stem[s.stem].load()
        t = thumb(rgb)
        label = f"{s.stem} ({s.category})   {engine} IoU {s.iou:.2f} via {s.engine}   {REFERENCE} IoU {ref[s.stem].iou:.2f}"
        rows.append((label, BAD, [cell(t), cell(t, mask_thumb(truth)), cell(t, mask_thumb(s.mask)),
                                  cell(t, mask_thumb(ref[s.stem].mask))]))
    return write_sheet(("photo", "human mask", engine, REFERENCE), rows, out)


def _f(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def render_section(report: dict, sheets: dict[str, Path], doc: Path) -> str:
    eng = report["engines"]
    names = list(eng)
    ref = eng[REFERENCE]
    lines = [BEGIN, "## Real photos with human masks (the real-image judge)", "",
             f"{report['n']} photos of the eval split of `../shared/realgt` (COCO-MVal and DAVIS; masks drawn by "
             "people, never trained on), cut by the app's own pipeline (subject rule and edge refinement included) "
             f"and scored by IoU of alpha ≥ 50 % with the human mask. Two human masks of one object agree at about "
             f"{realgt.HUMAN_AGREEMENT}. Time: p50 of the whole cut-out (load, classify, segment, refine) per photo, "
             f"against {REFERENCE} in the same run on {report['machine']['cpu']} ({report['machine']['cores']} cores). "
             f"Written by `stickerstudio-train eval --real` on {report['created']}.", "",
             "| engine | mIoU | " + " | ".join(f"{k}" for k in ref["per_source"]) + " | "
             + " | ".join(ref["per_category"]) + f" | p50 ms | time vs {REFERENCE} | cut by |",
             "|---" * (5 + len(ref["per_source"]) + len(ref["per_category"])) + "|"]
    for name in names:
        s = eng[name]
        cells = [_f(s["per_source"].get(k, {}).get("miou")) for k in ref["per_source"]]
        cells += [_f(s["per_category"].get(k, {}).get("miou")) for k in ref["per_category"]]
        used = ", ".join(f"{e} {c}" for e, c in s["engines"].items())
        lines.append(f"| {name} | **{_f(s['miou'])}** | " + " | ".join(cells)
                     + f" | {s['p50_ms']} | {report['time_vs_reference'][name]}× | {used} |")
    counts = " · ".join(f"{k} {v['n']}" for k, v in {**ref["per_source"], **ref["per_category"]}.items())
    lines += ["", f"Photos per group: {counts}.", ""]
    for name in names:
        if name == REFERENCE:
            continue
        reasons = verdict(report, name)
        lines.append(f"- **{name}** against {REFERENCE}: "
                     + ("at least as good overall and in every source and category (within "
                        f"{GROUP_TOLERANCE})." if not reasons else "; ".join(reasons) + "."))
    lines += ["", "Worst cases per engine (photo, human mask, the engine's cut-out, "
              f"{REFERENCE}'s cut-out; checkerboard = transparent):", ""]
    for name, path in sheets.items():
        rel = os.path.relpath(path, doc.parent)
        lines += [f"**{name}**", "", f"![The {WORST} real photos {name} cuts worst]({rel})", ""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def keep_section(old: str, new: str) -> str:
    """*new* with the real-judge section of *old* carried over (or replacing its own)."""
    found = re.search(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", old, re.S)
    if not found:
        return new
    return replace_section(new, found.group(0))


def replace_section(doc_text: str, section: str) -> str:
    """*doc_text* with its real-judge section replaced by *section* (appended when it has none)."""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(doc_text):
        return pattern.sub(lambda _: section, doc_text, count=1)
    return doc_text.rstrip("\n") + "\n\n" + section


def run(pipeline: Pipeline, *, root: Path | None = None, doc: Path = DOC, report_path: Path = REPORT,
        engines: Sequence[str] = ENGINES, limit: int | None = None, log: Log = print) -> dict:
    """Judge *engines*, write the report JSON, the worst-case sheets and the model card's section."""
    if limit is not None and limit < 1:
        raise ConfigError("--limit must be at least 1.")
    items = realgt.load_items("eval", root)
    if not items:
        raise ConfigError(realgt.missing_message(root))
    items = items[:limit] if limit else items
    report, scores = judge(pipeline, items, engines, log)
    sheets = {e: worst_sheet(items, scores[e], e, scores[REFERENCE], doc.parent / "images" / f"realgt-worst-{e}.png")
              for e in engines}
    report["sheets"] = {e: str(p) for e, p in sheets.items()}
    report_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(report_path, json.dumps(report, indent=1).encode())
    text = doc.read_text(encoding="utf-8") if doc.is_file() else "# Model card\n"
    atomic_write_bytes(doc, replace_section(text, render_section(report, sheets, doc)).encode())
    report["card"], report["report"] = str(doc), str(report_path)
    return report
