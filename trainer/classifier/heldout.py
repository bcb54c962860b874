"""The router's real test: accuracy on whole sources that no model trained on.

The test split shares generators and recipes with training, so it cannot tell
whether the router generalises to a new kind of art; these sources can
(``trainer.data.artsources.heldout``: AI Ghibli-style pictures, painted
portraits, anime sprites, realgt eval photos). Images go through the engine
exactly as the app runs them (alpha flattened onto white).

    python -m trainer.classifier.heldout [--sheet errors.png]   # scores the bundled model
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from trainer.data.artsources import HELDOUT_ORIGINS, HELDOUT_SOURCES, HeldoutItem, heldout
from trainer.data.fetch import DEFAULT_ROOT

from .evaluate import evaluate


def check_disjoint(catalog, items: dict[str, list[HeldoutItem]]) -> None:
    """Fail the build if a held-out file also sits in a training pool (by path or by content)."""
    import hashlib

    def digest(p: Path) -> str:
        return hashlib.sha256(Path(p).read_bytes()).hexdigest()

    held = {digest(r.path): r.id for rows in items.values() for r in rows}
    router = catalog.painted + catalog.art + catalog.router_photos  # the pools that hold fetched illustrations
    clash = [(s.id, held[digest(s.path)]) for s in router if s.path is not None and s.path.is_file()
             and digest(s.path) in held]
    clash += [(s.id, s.origin) for s in catalog.all() if s.origin in HELDOUT_ORIGINS]
    if clash:
        raise ValueError(f"held-out images are in the training pools: {clash[:5]}")


def evaluate_heldout(clf, items: dict[str, list[HeldoutItem]]) -> dict[str, dict]:
    """{source: {n, style, accuracy, errors}} for every source that has items; 'illustrations' pools them."""
    out: dict[str, dict] = {}
    pooled = [0, 0]
    for source, rows in items.items():
        if not rows:
            continue
        ev = evaluate(clf, [(r.path, r.style) for r in rows])
        out[source] = {"n": ev.n, "style": HELDOUT_SOURCES[source][0], "accuracy": round(ev.accuracy, 4),
                       "errors": [[rows[i].id, p] for i, p in enumerate(ev.predictions) if p != rows[i].style]}
        if HELDOUT_SOURCES[source][0] == "animated":
            pooled[0] += round(ev.accuracy * ev.n)
            pooled[1] += ev.n
    if pooled[1]:
        out["illustrations"] = {"n": pooled[1], "style": "animated", "accuracy": round(pooled[0] / pooled[1], 4)}
    return out


def contact_sheet(paths: list[Path], out: Path, cell: int = 160, cols: int = 8) -> Path:
    """A grid of thumbnails (alpha on magenta) to look at the mistakes as pictures."""
    from PIL import Image, ImageDraw

    rows = max(1, -(-len(paths) // cols))
    sheet = Image.new("RGB", (cols * cell, rows * (cell + 14)), (200, 200, 200))
    draw = ImageDraw.Draw(sheet)
    for i, p in enumerate(paths):
        with Image.open(p) as im:
            im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 0, 255, 255))
        bg.alpha_composite(im)
        thumb = bg.convert("RGB")
        thumb.thumbnail((cell, cell))
        x, y = (i % cols) * cell, (i // cols) * (cell + 14)
        sheet.paste(thumb, (x, y))
        draw.text((x + 2, y + cell), p.stem[:24], fill=(0, 0, 0))
    sheet.save(out)
    return out


def main(argv: list[str] | None = None) -> int:
    from stickerstudio_desktop.engine.classifier import StyleClassifier
    from stickerstudio_desktop.engine.manifest import load_manifest

    from .evaluate import spec_session
    from .publish import NAME

    ap = argparse.ArgumentParser(description="Score the bundled style classifier on the held-out sources.")
    ap.add_argument("--sources", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--sheet", type=Path, default=None, help="write a contact sheet of the misclassified images")
    args = ap.parse_args(argv)
    manifest = load_manifest()
    spec = manifest.get(NAME)
    clf = StyleClassifier(spec, spec_session(spec, manifest.bundled_path(spec)))
    items = heldout(args.sources)
    result = evaluate_heldout(clf, items)
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "errors"} for k, v in result.items()}, indent=1))
    if args.sheet:
        by_id = {r.id: r.path for rows in items.values() for r in rows}
        wrong = [by_id[i] for v in result.values() for i, _ in v.get("errors", [])]
        contact_sheet(wrong, args.sheet)
        print(f"{len(wrong)} errors drawn in {args.sheet}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
