"""``stickerstudio-train eval --real``: every engine on the real-image judges, into the model card.

Two judges, each standing for one style: real photos with human masks (the eval split of
``../shared/realgt``) and held-out illustration composites (sources no model trained on). Each
scores what the app delivers (``trainer.realgt.pipeline_cutter``) per source and category, with
p50 time against U²-Net measured in the same run, and draws each engine's worst cases so a
person can see what goes wrong. The routing table (``trainer.routes``) is decided from this
report; the section sits between markers in ``docs/model-card.md`` and the student harness keeps it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.engine.manifest import CASCADE, UNCLEAR
from stickerstudio_desktop.engine.names import STYLES
from stickerstudio_desktop.engine.pipeline import Pipeline
from stickerstudio_desktop.engine.subjects import PART_MAX_GAP, PART_MIN_AREA, PEER_MIN_AREA, salience
from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.files import atomic_write_bytes

from . import realgt
from .machine import cpu_name
from .sheets import BAD, cell, mask_thumb, thumb, write_sheet

#: auto is what users get; U²-Net (full) is the reference every target is stated against.
JUDGED = ("auto", "u2netp", "u2net")
REFERENCE = "u2net"
SALIENT = ("u2netp", "u2net")  # fastest first: a tie goes to it
#: Each judge and the style whose images it stands for.
JUDGES = {"photos": "normal", "illustrations": "animated"}
#: A source or category may trail the reference by at most this much (the issue's bar).
GROUP_TOLERANCE = 0.03
#: auto's p50 time as a share of U²-Net's, classifier included (the issue's bar).
TIME_TARGET = 0.2
#: The router's bars on sources held out of its training: drawn vs photo overall, and AI painterly art.
ROUTER_TARGET, AI_ART_TARGET = 0.95, 0.90
AI_ART_SOURCE = "ai-ghibli"
WORST = 6
DOC = ROOT_DIR / "docs" / "model-card.md"
REPORT = ROOT_DIR / ".cache" / "realgt" / "report.json"
#: Held-out illustration composites (``python -m trainer.data.heldout_art``).
ART_DIR = ROOT_DIR / ".cache" / "heldout_art"
BEGIN, END = "<!-- real-judge:begin -->", "<!-- real-judge:end -->"

Log = Callable[[str], None]


def main_part(analysis) -> list[int]:
    """The subject rule before the whole-subject one: only the most salient part."""
    if not analysis.instances:
        return []
    return [int(np.argmax([salience(i, analysis.rgb.shape[:2]) for i in analysis.instances]))]


#: Other subject rules on the default salient model, scored beside the app's whole-subject rule.
RULES = {f"{SALIENT[0]}-main-part": main_part, f"{SALIENT[0]}-all-parts": "all"}


def cascade_pipeline(pipeline: Pipeline) -> Pipeline | None:
    """A pipeline like *pipeline* whose ``auto`` sends every image through the manifest's cascade (None: no cascade)."""
    m = pipeline.manifest
    if m.cascade is None:
        return None
    return Pipeline(paths=pipeline.paths, manifest=replace(m, routing={k: CASCADE for k in (*STYLES, UNCLEAR)}))


def cutters(pipeline: Pipeline, style: str) -> dict[str, realgt.Cutter]:
    """The app's engines, the cascade and the style's student on their own when installed, the other subject rules."""
    out = {e: realgt.pipeline_cutter(pipeline, e) for e in JUDGED}
    cascaded = cascade_pipeline(pipeline)
    if cascaded is not None:
        out[CASCADE] = realgt.pipeline_cutter(cascaded, "auto")
    out.update({name: realgt.pipeline_cutter(pipeline, SALIENT[0], rule) for name, rule in RULES.items()})
    student = pipeline.yolo(style)
    if student is not None:
        out[student.name] = realgt.segmenter_cutter(student)
    return out


def judge(items: Sequence[realgt.RealItem], cut: dict[str, realgt.Cutter],
          log: Log | None = None) -> tuple[dict, dict[str, list[realgt.RealScore]]]:
    """(JSON-ready block, per-engine scores with masks) for every cutter in *cut* on *items*."""
    if REFERENCE not in cut:
        raise ConfigError(f"A judge needs {REFERENCE} among the engines: every ratio is against it.")
    scores = {e: realgt.score(items, c, keep_masks=True, log=log, label=e) for e, c in cut.items()}
    summaries = {e: realgt.summarise(s) for e, s in scores.items()}
    ref = summaries[REFERENCE]
    block = {
        "n": len(items), "reference": REFERENCE, "engines": summaries,
        "time_vs_reference": {e: round(s["p50_ms"] / ref["p50_ms"], 3) if ref["p50_ms"] else None
                              for e, s in summaries.items()},
        "gaps_vs_reference": {e: realgt.worst_groups(s, ref) for e, s in summaries.items() if e != REFERENCE},
        "images": {e: {s.stem: round(s.iou, 4) for s in sc} for e, sc in scores.items()},
    }
    return block, scores


def verdict(block: dict, engine: str = "auto") -> list[str]:
    """Why *engine* is not yet at least as good as the reference on a judge (empty: it is)."""
    mine, ref = block["engines"][engine], block["engines"][REFERENCE]
    reasons = []
    if mine["miou"] < ref["miou"]:
        reasons.append(f"mIoU {mine['miou']:.3f} is below {REFERENCE}'s {ref['miou']:.3f}")
    for group, gap in realgt.worst_groups(mine, ref):
        if gap < -GROUP_TOLERANCE:
            reasons.append(f"{group} trails {REFERENCE} by {-gap:.3f}")
    return reasons


def worst_sheet(items: Sequence[realgt.RealItem], scores: dict[str, list[realgt.RealScore]], engine: str,
                out: Path, n: int = WORST) -> Path:
    """The *n* images *engine* cuts worst: the image, its truth, its cut-out and the reference's (auto's for it)."""
    other = "auto" if engine == REFERENCE else REFERENCE
    reference = scores[other]
    by_stem = {i.stem: i for i in items}
    ref = {s.stem: s for s in reference}
    rows = []
    for s in sorted(scores[engine], key=lambda s: s.iou)[:n]:
        rgb, truth = by_stem[s.stem].load()
        t = thumb(rgb)
        label = (f"{s.stem} ({s.category})   {engine} IoU {s.iou:.2f} via {s.engine}   "
                 f"{other} IoU {ref[s.stem].iou:.2f}")
        rows.append((label, BAD, [cell(t), cell(t, mask_thumb(truth)), cell(t, mask_thumb(s.mask)),
                                  cell(t, mask_thumb(ref[s.stem].mask))]))
    return write_sheet(("image", "truth", engine, other), rows, out)


def _f(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def targets(block: dict, engine: str = "auto") -> list[dict]:
    """The issue's bars for *engine* on one judge: quality overall, per group, and time."""
    mine, ref = block["engines"][engine], block["engines"][REFERENCE]
    worst = (realgt.worst_groups(mine, ref) or [("none", 0.0)])[0]
    ratio = block["time_vs_reference"][engine]
    return [
        {"target": f"{engine} mIoU ≥ {REFERENCE}'s", "measured": f"{mine['miou']:.3f} vs {ref['miou']:.3f}",
         "pass": mine["miou"] >= ref["miou"]},
        {"target": f"no source or category more than {GROUP_TOLERANCE} below {REFERENCE}",
         "measured": f"worst: {worst[0]} {worst[1]:+.3f}", "pass": worst[1] >= -GROUP_TOLERANCE},
        {"target": f"{engine} p50 ≤ {TIME_TARGET}× {REFERENCE}'s time", "measured": f"{ratio}×",
         "pass": ratio is not None and ratio <= TIME_TARGET},
    ]


def router_targets(heldout: dict) -> list[dict]:
    """The router's bars from the classifier's held-out scores (``trainer.classifier.heldout``)."""
    if not heldout:
        return []
    groups = [b for b in heldout.values() if "errors" in b]  # per source; "illustrations" is a total
    n = sum(b["n"] for b in groups)
    right = sum(round(b["accuracy"] * b["n"]) for b in groups)
    rows = [{"target": f"router ≥ {ROUTER_TARGET:.0%} on held-out illustrations and photos", "judge": "router",
             "measured": f"{right / n:.1%} of {n} ("
             + ", ".join(f"{k} {b['accuracy']:.1%} of {b['n']}" for k, b in heldout.items() if "errors" in b) + ")",
             "pass": right / n >= ROUTER_TARGET}]
    ai = heldout.get(AI_ART_SOURCE)
    if ai:
        rows.append({"target": f"router ≥ {AI_ART_TARGET:.0%} on AI-generated painterly art", "judge": "router",
                     "measured": f"{ai['accuracy']:.1%} of {ai['n']}", "pass": ai["accuracy"] >= AI_ART_TARGET})
    return rows


def _table(block: dict) -> list[str]:
    eng, ref = block["engines"], block["engines"][REFERENCE]
    lines = ["| engine | mIoU | " + " | ".join(ref["per_source"]) + " | " + " | ".join(ref["per_category"])
             + f" | p50 ms | time vs {REFERENCE} | cut by |",
             "|---" * (5 + len(ref["per_source"]) + len(ref["per_category"])) + "|"]
    for name, s in eng.items():
        cells = [_f(s["per_source"].get(k, {}).get("miou")) for k in ref["per_source"]]
        cells += [_f(s["per_category"].get(k, {}).get("miou")) for k in ref["per_category"]]
        used = ", ".join(f"{e} {c}" for e, c in s["engines"].items())
        lines.append(f"| {name} | **{_f(s['miou'])}** | " + " | ".join(cells)
                     + f" | {s['p50_ms']} | {block['time_vs_reference'][name]}× | {used} |")
    counts = " · ".join(f"{k} {v['n']}" for k, v in {**ref["per_source"], **ref["per_category"]}.items())
    lines += ["", f"Images per group: {counts}.", ""]
    if all(r in eng for r in RULES):
        rules = [eng[SALIENT[0]]["miou"], *(eng[r]["miou"] for r in RULES)]
        lines += [f"Subject rule, same model ({SALIENT[0]}): the app's whole subject (the main part, every part of "
                  f"at least {PEER_MIN_AREA:.0%} of its area wherever it is, and every part of at least "
                  f"{PART_MIN_AREA:.0%} within {PART_MAX_GAP:.0%} of the image diagonal of those, grown part by part) "
                  f"**{_f(rules[0])}**; only the most salient part (the rule before) {_f(rules[1])}; every part "
                  f"{_f(rules[2])}.", ""]
    for name in eng:
        if name != REFERENCE:
            reasons = verdict(block, name)
            lines.append(f"- **{name}** against {REFERENCE}: " + (
                f"at least as good overall and in every source and category (within {GROUP_TOLERANCE})."
                if not reasons else "; ".join(reasons) + "."))
    return lines


INTRO = {
    "photos": "{n} photos of the eval split of `../shared/realgt` (COCO-MVal and DAVIS; masks drawn by people, "
              "never trained on). Two human masks of one object agree at about {ceiling}.",
    "illustrations": "{n} held-out illustration composites (`python -m trainer.data.heldout_art`): painted "
                     "portraits and anime sprites from sources no model trained on, pasted on held-out photos, "
                     "drawings or plain fills; the mask is the sprite's own alpha, so it is exact.",
}


def render_section(report: dict, sheets: dict[str, dict[str, Path]], doc: Path) -> str:
    m = report["machine"]
    lines = [BEGIN, "## Real images: the judge of every model decision", "",
             "Each engine cut by the app's own pipeline (subject rule and edge refinement included; a student "
             "alone where it is named), scored by IoU of alpha ≥ 50 % with the truth mask. Time: p50 of the whole "
             f"cut-out per image, against {REFERENCE} in the same run on {m['cpu']} ({m['cores']} cores, load "
             f"{m['load_avg_1min_at_end']} at the end). Written by `stickerstudio-train eval --real` on "
             f"{report['created']}.", ""]
    lines += ["| target | judge | measured | met |", "|---|---|---|---|"]
    rows = [{**row, "judge": name} for name, block in report["judges"].items() for row in targets(block)]
    for row in rows + router_targets(report.get("router", {})):
        lines.append(f"| {row['target']} | {row['judge']} | {row['measured']} | {'yes' if row['pass'] else '**no**'} |")
    lines.append("")
    for name, block in report["judges"].items():
        lines += [f"### {name.capitalize()} ({JUDGES[name]} style)", "",
                  INTRO[name].format(n=block["n"], ceiling=realgt.HUMAN_AGREEMENT), ""]
        lines += _table(block)
        lines += ["", f"Worst cases per engine (image, truth, the engine's cut-out, {REFERENCE}'s; "
                  "checkerboard = transparent):", ""]
        for engine, path in sheets[name].items():
            rel = os.path.relpath(path, doc.parent)
            lines += [f"**{engine}**", "", f"![The {WORST} {name} {engine} cuts worst]({rel})", ""]
    for note in report.get("notes", []):
        lines.append(f"- {note}")
    lines.append(END)
    return "\n".join(lines) + "\n"


def keep_section(old: str, new: str) -> str:
    """*new* with the real-judge section of *old* carried over (or replacing its own)."""
    found = re.search(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", old, re.S)
    if not found:
        return new
    return replace_section(new, found.group(0))


def replace_section(doc_text: str, section: str) -> str:
    """*doc_text* with its real-judge section replaced by *section*.

    A card without one gets it before its first ``## `` heading: real images come first.
    """
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(doc_text):
        return pattern.sub(lambda _: section, doc_text, count=1)
    first = re.search(r"^## ", doc_text, re.M)
    if first:
        return doc_text[:first.start()] + section + "\n" + doc_text[first.start():]
    return doc_text.rstrip("\n") + "\n\n" + section


def run(pipeline: Pipeline, *, root: Path | None = None, art_dir: Path = ART_DIR, doc: Path = DOC,
        report_path: Path = REPORT, limit: int | None = None, log: Log = print) -> dict:
    """Run both judges, write the report JSON, the worst-case sheets and the model card's section."""
    if limit is not None and limit < 1:
        raise ConfigError("--limit must be at least 1.")
    photos = realgt.load_items("eval", root)
    if not photos:
        raise ConfigError(realgt.missing_message(root))
    sets = {"photos": photos, "illustrations": realgt.art_items(art_dir)}
    clf = pipeline.manifest.models.get("style_classifier")
    report: dict = {"created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "judges": {},
                    "notes": [], "router": ((clf.extra.get("metrics") or {}).get("heldout") or {}) if clf else {}}
    if not sets["illustrations"]:
        report["notes"].append(f"No held-out illustrations in {art_dir}: build them with "
                               "`python -m trainer.data.heldout_art`; the animated style kept its route.")
    sheets: dict[str, dict[str, Path]] = {}
    prefix = {"photos": "realgt", "illustrations": "art"}
    for name, items in sets.items():
        if not items:
            continue
        items = items[:limit] if limit else items
        block, scores = judge(items, cutters(pipeline, JUDGES[name]), log)
        report["judges"][name] = block
        sheets[name] = {e: worst_sheet(items, scores, e, doc.parent / "images" / f"{prefix[name]}-worst-{e}.png")
                        for e in scores if e not in RULES and e != CASCADE}  # auto's sheet shows the cascade
    report["machine"] = {"cpu": cpu_name(), "cores": os.cpu_count(),
                         "load_avg_1min_at_end": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None}
    report["sheets"] = {j: {e: str(p) for e, p in s.items()} for j, s in sheets.items()}
    report_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(report_path, json.dumps(report, indent=1).encode())
    text = doc.read_text(encoding="utf-8") if doc.is_file() else "# Model card\n"
    atomic_write_bytes(doc, replace_section(text, render_section(report, sheets, doc)).encode())
    report["card"], report["report"] = str(doc), str(report_path)
    return report
