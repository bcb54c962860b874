"""The small committed eval sample: only CC0 / public-domain / OFL-derived images.

Cut from test-split sources, so the classifier never trained on them:
public-domain photos (normal), the same photos stylised (animated), Noto
emoji and Kenney sprites on plain backgrounds (animated), and anime art from
The Question (Expat licence; a held-out source, see trainer.data.artsources). Written to
``tests/data/style_eval`` with ``labels.csv`` and ``LICENSES.md``.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image

from stickerstudio_desktop.config.paths import ROOT_DIR
from trainer.data import backgrounds as bgs
from trainer.data.artsources import HeldoutItem
from trainer.data.catalog import EVAL_PHOTOS, ORIGINS, Catalog
from trainer.data.composite import CompositeConfig, compose
from trainer.data.heldout_art import paste_standing
from trainer.data.imageio import cap_side, load_rgb, load_rgba
from trainer.data.stylize import LOOKS, cartoonize

DEFAULT_DIR = ROOT_DIR / "tests" / "data" / "style_eval"
MAX_SIDE = 320
CANVAS = CompositeConfig(long_side=(240, 320), shadow=0.0, outline=0.3, background_blur=0.0, noise=0.0,
                         subjects=(1, 2))
PHOTO_NOTES = {
    "astronaut.png": "NASA, public domain (scikit-image)",
    "chelsea.png": "Stefan van der Walt, CC0 (scikit-image)",
    "coffee.png": "Rachel Michetti, CC0 (scikit-image)",
    "rocket.jpg": "SpaceX, public domain (scikit-image)",
    "camera.png": "Lav Varshney, CC0 (scikit-image)",
    "coins.png": "Greek coins, Pompeii; no known copyright restrictions (scikit-image)",
    "clock_motion.png": "Stefan van der Walt, public domain (scikit-image)",
    "grace_hopper.jpg": "US Navy, public domain (matplotlib sample data)",
}


def _save(img: np.ndarray, path: Path) -> None:
    buf = io.BytesIO()
    Image.fromarray(cap_side(img, MAX_SIDE)).save(buf, "JPEG", quality=88, optimize=True)
    path.write_bytes(buf.getvalue())


def _photo_sources(catalog: Catalog):
    by_name = {s.id.split(":", 1)[1]: s for s in catalog.photos if s.origin in ("skimage", "matplotlib")}
    return [by_name[n] for n in EVAL_PHOTOS if n in by_name]


THEQUESTION_NOTE = "Ren'Py 'The Question' art (Debian renpy-thequestion), Expat (MIT) licence"


def write(catalog: Catalog, out: Path = DEFAULT_DIR, seed: int = 0, anime: Sequence[HeldoutItem] = ()) -> list[dict]:
    """(Re)write the sample; returns its rows (file, style, source, licence).

    *anime* are The Question's held-out items: each sprite stands on one of its
    scenes (as in the game) or on a plain fill (skipped when not fetched). The
    scenes alone (3-D renders) are scored in the held-out test, not here.
    """
    out = Path(out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    rng = np.random.default_rng([seed, 7])
    rows: list[dict] = []
    for k, src in enumerate(_photo_sources(catalog)):
        assert src.split(seed) == "test", src.id
        stem = Path(src.id.split(":", 1)[1]).stem
        photo = load_rgb(src.path, 1024)
        if photo.ndim == 2:
            photo = np.repeat(photo[..., None], 3, axis=2)
        crops = [photo] + [bgs.random_crop(photo, *_aspect(rng), rng, min_scale=0.5) for _ in range(2)]
        for j, img in enumerate(crops):
            rows.append(_row(out, f"normal-{stem}-{j}.jpg", img, "normal", src.id, PHOTO_NOTES[src.id.split(':')[1]]))
        look = LOOKS[k % len(LOOKS)]
        rows.append(_row(out, f"animated-{stem}-{look}.jpg", cartoonize(cap_side(photo, 512), rng, look), "animated",
                         src.id, PHOTO_NOTES[src.id.split(':')[1]] + ", stylised"))
    emoji = [s for s in catalog.foregrounds if s.origin == "noto-emoji" and s.split(seed) == "test"]
    kenney = [s for s in catalog.foregrounds if s.origin == "kenney" and s.split(seed) == "test"
              and (s.load_rgba()[..., 3] > 127).sum() > 400]
    for name, pool, n in (("emoji", emoji, 10), ("kenney", kenney, 8)):
        for j in range(n):
            picks = [pool[int(i)] for i in rng.choice(len(pool), int(rng.integers(1, 3)), replace=False)]
            bg = bgs.flat if j % 2 else bgs.gradient
            comp = compose([s.load_rgba() for s in picks], bg, rng, CANVAS, "animated", [s.id for s in picks])
            lic = ORIGINS[picks[0].origin].licence
            rows.append(_row(out, f"animated-{name}-{j}.jpg", comp.image, "animated", " + ".join(comp.sources), lic))
    scenes = [r for r in anime if not r.has_alpha]
    sprites = [r for r in anime if r.has_alpha]
    for j, item in enumerate(sprites):
        # a visual-novel screenshot (the sprite standing on its scene) or a sticker-like sprite on a plain fill
        h, w = _aspect(rng)
        canvas = (bgs.random_crop(load_rgb(scenes[j % len(scenes)].path, 800), h, w, rng, min_scale=0.6)
                  if scenes and j % 2 == 0 else (bgs.flat if j % 4 == 1 else bgs.gradient)(h, w, rng)).astype(np.float32)
        paste_standing(canvas, np.zeros((h, w), bool), load_rgba(item.path, 512), 0, 1, rng)
        rows.append(_row(out, f"animated-thequestion-{j}.jpg", np.clip(canvas + 0.5, 0, 255).astype(np.uint8),
                         "animated", item.id + (f" on {scenes[j % len(scenes)].id}" if scenes and j % 2 == 0 else ""),
                         THEQUESTION_NOTE))
    with open(out / "labels.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "style", "source", "licence"])
        w.writeheader()
        w.writerows(rows)
    (out / "LICENSES.md").write_text(_licences(rows), encoding="utf-8")
    return rows


def _aspect(rng: np.random.Generator) -> tuple[int, int]:
    h, w = [(240, 320), (320, 240), (300, 300), (180, 320)][int(rng.integers(4))]
    return h, w


def _row(out: Path, name: str, img: np.ndarray, style: str, source: str, licence: str) -> dict:
    _save(img, out / name)
    return {"file": name, "style": style, "source": source, "licence": licence}


def _licences(rows: list[dict]) -> str:
    lines = [
        "# Style classifier eval sample",
        "",
        "Written by `trainer/classifier/eval_sample.py` (part of `python -m trainer.classifier.build`).",
        "Every image is derived only from material that may be redistributed:",
        "",
        "- `normal-*`: crops of public-domain / CC0 photographs from scikit-image's bundled sample data",
        "  (`skimage/data`, scikit-image 0.26.0 wheel) and matplotlib's `grace_hopper.jpg` (US Navy, public domain).",
        "- `animated-<photo>-<look>`: the same photographs turned into drawings by `trainer/data/stylize.py`.",
        "- `animated-emoji-*`: Noto Color Emoji glyphs (SIL Open Font License 1.1, see `fonts/OFL.txt`) rendered",
        "  with Pillow and placed on generated plain/gradient backgrounds.",
        "- `animated-kenney-*`: Kenney sprites from the arcade wheel (CC0 1.0) on generated backgrounds.",
        "- `animated-thequestion-*`: anime sprites standing on their own drawn scenes or on plain fills,",
        "  from Ren'Py's example game *The Question* (Debian renpy-thequestion 8.0.3, Expat/MIT licence,",
        "  copyright Tom Rothamel and the Ren'Py contributors), a source held out of all training.",
        "",
        "All of these sources are held out of classifier training (test split or held-out source). `labels.csv` gives each",
        "file's style, exact source ids and licence.",
        "",
        "| File | Style | Source | Licence |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{r['file']}` | {r['style']} | {r['source']} | {r['licence']} |" for r in rows]
    return "\n".join(lines) + "\n"
