"""How long one edit takes to re-make the sticker: a click, a brush stroke, an edge-aware stroke, a move.

Each edit is appended to the ones before it and the sticker re-made through ``jobs.edit.apply_edits``
(what the window runs off the GUI thread after each gesture). The photos are the bundled samples and
one of them scaled to the 2048-px working size, the largest the editor paints on.

    .venv/bin/python benchmarks/bench_edits.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PIL import Image

    from stickerstudio_desktop.engine.brush import Stroke
    from stickerstudio_desktop.engine.prompts import Click
    from stickerstudio_desktop.jobs.context import AppContext
    from stickerstudio_desktop.jobs.edit import Edits, apply_edits
    from stickerstudio_desktop.sticker.compose import Placement, StickerStyle

    tmp = Path(tempfile.mkdtemp(prefix="bench-edits-"))
    big = tmp / "flower-2048.jpg"
    with Image.open(ROOT / "tests" / "data" / "flower.jpg") as im:
        im.resize((2048, 1366), Image.Resampling.LANCZOS).save(big, quality=92)
    photos = sorted((ROOT / "resources" / "samples").glob("*.jpg")) + [big]
    ctx = AppContext.create(tmp / "home")
    style = StickerStyle(caption="Hi")
    steps = {
        "click": lambda e, w, h: e.with_click(Click(w * 0.5, h * 0.95)),
        "remove click": lambda e, w, h: e.with_click(Click(w * 0.05, h * 0.05, positive=False)),
        "stroke": lambda e, w, h: e.with_stroke(Stroke("erase", tuple((w * (0.3 + 0.01 * k), h * 0.5)
                                                                     for k in range(40)), size=w * 0.04)),
        "edge-aware stroke": lambda e, w, h: e.with_stroke(Stroke("restore", tuple(
            (w * (0.3 + 0.01 * k), h * 0.6) for k in range(40)), size=w * 0.04, edge_aware=True)),
        "move + scale + rotate": lambda e, w, h: e.with_placement(Placement(dx=0.1, scale=0.9, rotation=10)),
    }
    times: dict[str, dict[str, float]] = {}
    for photo in photos:
        a = ctx.pipeline.analyse(photo)
        w, h = a.source_size
        apply_edits(ctx.maker, a, Edits(), style)
        edits = Edits()
        for name, step in steps.items():
            edits = step(edits, w, h)
            t0 = time.perf_counter()
            apply_edits(ctx.maker, a, edits, style)
            times.setdefault(name, {})[f"{photo.name} {w}×{h}"] = (time.perf_counter() - t0) * 1000
    names = list(next(iter(times.values())))
    print("| edit | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for step, row in times.items():
        print(f"| {step} | " + " | ".join(f"{row[n]:.0f} ms" for n in names) + " |")
    small = [v for row in times.values() for n, v in row.items() if not n.startswith(big.name)]
    print(f"\nmedian over the samples: {statistics.median(small):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
