"""The clip cut-out on composited clips with exact masks: quality, flicker and speed, in one run.

A real subject (a realgt **train** photo cut by its human mask) moves over another train
photo as background; each frame's truth is that mask moved the same way. The clip path
(``engine.clip_track`` with the chosen engine) is scored against the truth — mean IoU and
flicker (mean 1 − IoU between consecutive masks, beside the truth's own) — and timed against
U²-Net run on every frame of the same clips (the slow per-frame baseline).

    .venv/bin/python benchmarks/bench_clips.py [--clips N] [--frames N] [--engine auto] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from stickerstudio_desktop.engine.clip_track import track_clip
    from stickerstudio_desktop.engine.pipeline import Pipeline
    from trainer.clip_composite import flicker, mask_iou, moving_composite
    from trainer.realgt import load_items

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=4)
    ap.add_argument("--frames", type=int, default=20)
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    items = [i for i in load_items("train") if i.category in ("person", "animal")]
    if len(items) < 2:
        print("realgt train split not found; nothing to measure.")
        return 0
    rng = np.random.default_rng(0)
    picks = rng.choice(len(items), size=2 * args.clips, replace=False)
    pipeline = Pipeline()
    rows = []
    for k in range(args.clips):
        subject, truth = items[picks[2 * k]].load()
        background, _ = items[picks[2 * k + 1]].load()
        frames, masks = moving_composite(subject, truth.astype(np.float32), background, args.frames,
                                         size=(384, 288), jitter=1.0, seed=k)
        images = [Image.fromarray(f) for f in frames]
        pipeline.clear_caches()
        t0 = time.perf_counter()
        tracked = track_clip(pipeline, images, args.engine)
        clip_s = time.perf_counter() - t0
        pred = [np.asarray(c)[..., 3] for c in tracked.cutouts]
        pipeline.clear_caches()
        t0 = time.perf_counter()
        base = [np.asarray(pipeline.cutout(pipeline.analyse(im, "u2net")).image)[..., 3] for im in images]
        base_s = time.perf_counter() - t0
        rows.append({"subject": items[picks[2 * k]].stem, "engine": tracked.engine,
                     "model_runs": tracked.model_runs, "miou": float(np.mean([mask_iou(p, t) for p, t in zip(pred, masks)])),
                     "miou_u2net_per_frame": float(np.mean([mask_iou(p, t) for p, t in zip(base, masks)])),
                     "flicker": flicker(pred), "flicker_u2net_per_frame": flicker(base),
                     "flicker_truth": flicker(masks),
                     "clip_s": clip_s, "u2net_s": base_s, "fps": args.frames / clip_s})
    summary = {key: float(np.mean([r[key] for r in rows])) for key in rows[0] if key not in ("subject", "engine")}
    summary["time_ratio"] = sum(r["clip_s"] for r in rows) / sum(r["u2net_s"] for r in rows)
    if args.json:
        print(json.dumps({"clips": rows, "mean": summary}, indent=2))
    else:
        for r in rows:
            print(f"{r['subject']:<28} {r['engine']:<8} mIoU {r['miou']:.3f} "
                  f"(u2net/frame {r['miou_u2net_per_frame']:.3f})  flicker {r['flicker']:.3f} "
                  f"(u2net {r['flicker_u2net_per_frame']:.3f}, truth {r['flicker_truth']:.3f})  "
                  f"{r['fps']:.1f} fps, model on {r['model_runs']}/{args.frames}, "
                  f"{r['clip_s']:.1f} s vs {r['u2net_s']:.1f} s")
        print("mean: " + "  ".join(f"{k}={v:.3f}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
