"""Quality and speed on real photos with human masks: every engine against U²-Net, same run.

The eval split of ``../shared/realgt`` (COCO-MVal and DAVIS photos, masks drawn by people), cut
by the app's own pipeline with caches cleared before every photo; prints mIoU overall, per
source and per category, p50 ms of the whole cut-out (load, classify, segment, refine) and
the ratios against U²-Net (full) measured in this same run.

    .venv/bin/python benchmarks/bench_realgt.py [--limit N] [--json]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from realgt_setup import setup

    from trainer import realcard

    ready = setup(__doc__, "realgt")
    if ready is None:
        return 0
    args, items, pipeline = ready
    report, _ = realcard.judge(items, realcard.cutters(pipeline, "normal"), log=lambda m: print(m, file=sys.stderr))
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    eng, ref = report["engines"], report["engines"][realcard.REFERENCE]
    groups = [("source", k) for k in ref["per_source"]] + [("category", k) for k in ref["per_category"]]
    print(f"{len(items)} real photos (realgt eval), cpu_count={os.cpu_count()}, reference = "
          f"{realcard.REFERENCE} (same run)\n")
    print(f"{'engine':<18} {'mIoU':>6} {'vs ref':>7} " + " ".join(f"{k[:8]:>8}" for _, k in groups)
          + f" {'p50 ms':>7} {'time vs ref':>11}  cut by")
    for name, s in eng.items():
        cells = [s[f"per_{kind}"].get(k, {}).get("miou") for kind, k in groups]
        print(f"{name:<18} {s['miou']:>6.3f} {s['miou'] - ref['miou']:>+7.3f} "
              + " ".join(f"{c:>8.3f}" if c is not None else f"{'-':>8}" for c in cells)
              + f" {s['p50_ms']:>7.0f} {report['time_vs_reference'][name]:>10.2f}x  "
              + ", ".join(f"{e} {c}" for e, c in s["engines"].items()))
    print("\nphotos per group: " + ", ".join(f"{k} {ref[f'per_{kind}'][k]['n']}" for kind, k in groups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
