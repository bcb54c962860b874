"""Clicks needed to fix a cut-out: the standard NoC protocol on real photos with human masks.

Simulates clicks (``trainer.clicks``) on the eval split of ``../shared/realgt`` through the
app's own ``Pipeline.mask`` (what ``stickerstudio mask --include/--exclude`` runs) and prints
mIoU after 0…5 clicks, NoC@85/90 (5 when never reached), how often one click is worse than
none, and click latency p50 — beside the no-click ``auto`` cut-out measured in the same run.

    .venv/bin/python benchmarks/bench_clicks.py [--limit N] [--json]
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

    from trainer import clicks

    ready = setup(__doc__, "clicks")
    if ready is None:
        return 0
    args, items, pipeline = ready
    runs = []
    for i, item in enumerate(items):
        runs.append(clicks.simulate(pipeline, item))
        if (i + 1) % 25 == 0:
            print(f"{i + 1}/{len(items)}", file=sys.stderr)
    s = clicks.summarise(runs)
    if args.json:
        print(json.dumps(s, indent=1))
        return 0
    base = s["miou_by_clicks"][0]
    print(f"{s['n']} real photos (realgt eval), cpu_count={os.cpu_count()}, reference = no click (auto, same run)\n")
    print("clicks  " + " ".join(f"{k:>6}" for k in range(len(s["miou_by_clicks"]))))
    print("mIoU    " + " ".join(f"{v:>6.3f}" for v in s["miou_by_clicks"]))
    print("vs ref  " + " ".join(f"{v - base:>+6.3f}" for v in s["miou_by_clicks"]))
    print(f"\nNoC@85 {s['noc85']}  NoC@90 {s['noc90']}  (at most {clicks.MAX_CLICKS} counted)  "
          f"one click worse than none: {s['one_click_worse']} of {s['n']}  click p50 {s['click_p50_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
