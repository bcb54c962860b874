"""Pipeline speed and memory: our default path against U²-Net, same images, same run.

Each engine runs in its own child process (so peak RSS is its own), over the
bundled sample photos and test photos, several rounds with caches cleared.
Prints per-stage p50/p90 in ms, the end-to-end p50, peak RSS, and ratios
against the U²-Net (full) reference measured in this same run.

    .venv/bin/python benchmarks/bench_pipeline.py [--rounds 3] [--images photos|cartoons] [--json]

``--images cartoons`` runs the committed animated eval sample instead (Kenney sprites and
emoji on illustrated backgrounds), where ``auto`` routes to the animated student when one is bundled.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REFERENCE = "u2net"
ENGINES = ("auto", "u2netp", REFERENCE)


IMAGE_SETS = {
    "photos": lambda: sorted((ROOT / "resources" / "samples").glob("*.jpg"))
    + sorted((ROOT / "tests" / "data").glob("*.jpg")),
    "cartoons": lambda: sorted((ROOT / "tests" / "data" / "student_eval" / "animated" / "images" / "test").glob("*.jpg")),
}


def images() -> list[Path]:
    return IMAGE_SETS[os.environ.get("BENCH_IMAGES", "photos")]()


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def child(engine: str, rounds: int) -> dict:
    from stickerstudio_desktop.config.paths import app_paths
    from stickerstudio_desktop.engine.pipeline import Pipeline
    from stickerstudio_desktop.maker import StickerMaker
    from stickerstudio_desktop.sticker.compose import StickerStyle

    home = tempfile.mkdtemp(prefix="bench-home-")
    pipeline = Pipeline(paths=app_paths(home))
    maker = StickerMaker(pipeline)
    style = StickerStyle(caption="Hello 👋")
    stages: dict[str, list[float]] = {}
    totals: list[float] = []
    used = set()
    maker.encode(maker.make(images()[0], style, engine=engine), "whatsapp")  # warm-up: sessions load
    for _ in range(rounds):
        for img in images():
            pipeline.clear_caches()
            maker._bases.clear()
            t0 = time.perf_counter()
            made = maker.make(img, style, engine=engine)
            maker.encode(made, "whatsapp")
            totals.append((time.perf_counter() - t0) * 1000)
            used.add(made.analysis.engine)
            for k, v in made.timings.stages.items():
                stages.setdefault(k, []).append(v)
    return {
        "engine": engine, "models": sorted(used), "n": len(totals),
        "stages": {k: {"p50": pct(v, 0.5), "p90": pct(v, 0.9)} for k, v in stages.items()},
        "total": {"p50": pct(totals, 0.5), "p90": pct(totals, 0.9)},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--images", choices=sorted(IMAGE_SETS), default="photos")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rounds)))
        return 0
    os.environ["BENCH_IMAGES"] = args.images  # the children read the same set
    results = {}
    for engine in ENGINES:
        out = subprocess.run([sys.executable, __file__, "--child", engine, "--rounds", str(args.rounds)],
                             capture_output=True, text=True, env=os.environ, check=True)
        results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
    ref = results[REFERENCE]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{len(images())} {args.images} x {args.rounds} rounds, cpu_count={os.cpu_count()}, "
          f"reference = {REFERENCE} (same run)\n")
    stage_names = ["load", "classify", "segment", "refine", "compose", "export"]
    print(f"{'engine':<8} {'models':<22} " + " ".join(f"{s + ' p50/p90':>17}" for s in stage_names)
          + f" {'total p50/p90':>15} {'peak RSS':>9} {'speed vs ' + REFERENCE:>14} {'RSS vs ref':>10}")
    for engine, r in results.items():
        cells = []
        for s in stage_names:
            st = r["stages"].get(s)
            cells.append(f"{st['p50']:>8.1f}/{st['p90']:<8.1f}" if st else f"{'-':>17}")
        speed = ref["total"]["p50"] / r["total"]["p50"]
        print(f"{engine:<8} {','.join(r['models']):<22} " + " ".join(cells)
              + f" {r['total']['p50']:>7.0f}/{r['total']['p90']:<7.0f} {r['peak_rss_mb']:>7.0f}MB"
              f" {speed:>13.2f}x {r['peak_rss_mb'] / ref['peak_rss_mb']:>9.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
