"""Build the style dataset: whole images of one style each, split by source.

animated: cartoons/clip-art/emoji/sprites on flat, gradient or illustrated
backgrounds; graphic wallpapers; painted portraits and anime sprites on plain
or painted backgrounds; crops of whole paintings, anime and AI-painterly
pictures; photos and photo composites turned into drawings by
``trainer.data.stylize``.
normal: photo cut-outs on photos or on plain studio backgrounds; whole photo
crops (some greyscale), real photos of people, pets and scenes among them.

Plain/gradient backgrounds and white sticker outlines occur in both styles
so neither is a shortcut; the same photos occur in both (raw and stylised)
so the source is no shortcut either. Image *i* of a recipe depends only on
(seed, split, recipe, i), so any worker count gives the same files.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from trainer.data import backgrounds as bgs
from trainer.data.artsources import router_catalog
from trainer.data.catalog import Catalog, SourceImage
from trainer.data.composite import CompositeConfig, compose
from trainer.data.imageio import load_rgb
from trainer.data.stylize import cartoonize, cartoonize_rgba

#: recipe -> (style, share of that style's images)
RECIPES = {
    "cartoon_plain": ("animated", 0.22),
    "cartoon_graphic": ("animated", 0.13),
    "stylized_photo": ("animated", 0.12),
    "stylized_composite": ("animated", 0.07),
    "stylized_stamp": ("animated", 0.09),
    "graphic_only": ("animated", 0.07),
    "painted_subject": ("animated", 0.14),
    "art_whole": ("animated", 0.16),
    "photo_on_photo": ("normal", 0.38),
    "photo_studio": ("normal", 0.27),
    "photo_whole": ("normal", 0.35),
}
DEFAULT_COUNTS = {"train": 2000, "val": 300, "test": 400}  # per style
CANVAS = CompositeConfig(long_side=(224, 640))
CARTOON_ORIGINS = ("tuxpaint", "kenney", "noto-emoji")
MIN_DETAIL = 0.04  # share of edge pixels a whole-image crop needs


@dataclass(frozen=True)
class Sample:
    file: str  # relative to the dataset folder
    split: str
    style: str
    recipe: str
    sources: tuple[str, ...]


class _Pools:
    """The sources one split may use, grouped the way the recipes draw them."""

    def __init__(self, catalog: Catalog, split: str, seed: int) -> None:
        fg = catalog.select(catalog.foregrounds, split, seed)
        self.cartoons = {o: [s for s in fg if s.style == "animated" and s.origin in (o, "ansimuz" if o == "kenney" else o)]
                         for o in CARTOON_ORIGINS}
        self.stamps = [s for s in fg if s.style == "normal"]
        self.photos = catalog.select(catalog.photos, split, seed) + catalog.select(catalog.router_photos, split, seed)
        self.graphics = catalog.select(catalog.graphics, split, seed)
        self.tiles = catalog.select(catalog.tiles, split, seed)
        # painted art is optional: without it those recipes draw cartoons / graphics instead
        self.painted = catalog.select(catalog.painted, split, seed) or [s for c in self.cartoons.values() for s in c]
        self.art = catalog.select(catalog.art, split, seed) or self.graphics
        if not (self.stamps and self.photos and self.graphics and all(self.cartoons.values())):
            raise ValueError(f"the {split} split has an empty source pool; change the seed or add sources")


@lru_cache(maxsize=3000)
def _rgba(src: SourceImage) -> np.ndarray:
    return src.load_rgba(384)


def usable(src: SourceImage) -> bool:
    """A cut-out with a solid body (a few sprites are only glow or smoke)."""
    a = _rgba(src)[..., 3]
    return int((a > 127).sum()) >= 400


@lru_cache(maxsize=160)
def _rgb(src: SourceImage) -> np.ndarray:
    return load_rgb(src.path, 1024)


def _pick(rng: np.random.Generator, items: list[SourceImage]) -> SourceImage:
    while True:
        src = items[int(rng.integers(len(items)))]
        if src.role != "foreground" or usable(src):
            return src


def _pick_by_origin(rng: np.random.Generator, items: list[SourceImage]) -> SourceImage:
    """Each origin equally often, so a big source (Wesnoth) does not drown a small one (AI pictures)."""
    origins = sorted({s.origin for s in items})
    origin = origins[int(rng.integers(len(origins)))]
    return _pick(rng, [s for s in items if s.origin == origin])


def _cartoons(pools: _Pools, rng: np.random.Generator, n: int) -> list[SourceImage]:
    return [_pick(rng, pools.cartoons[CARTOON_ORIGINS[int(rng.integers(len(CARTOON_ORIGINS)))]]) for _ in range(n)]


def _graphic_background(pools: _Pools, rng: np.random.Generator):
    if pools.tiles and rng.random() < 0.3:
        tile = _rgba(_pick(rng, pools.tiles))
        return (lambda h, w, r: bgs.tiled(tile, h, w, r)), []
    src = _pick(rng, pools.graphics)
    return _rgb(src), [src.id]


def _detail(img: np.ndarray) -> float:
    """Share of pixels on a clear edge; featureless crops (sky, blur, blank) show no style at all."""
    g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
    mag = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    return float((mag > 40).mean())


def _crop(img: np.ndarray, h: int, w: int, rng: np.random.Generator, min_scale: float) -> np.ndarray:
    """A random crop with some visible structure (best of a few tries)."""
    best, best_detail = None, -1.0
    for _ in range(6):
        crop = bgs.random_crop(img, h, w, rng, min_scale=min_scale)
        detail = _detail(crop)
        if detail >= MIN_DETAIL:
            return crop
        if detail > best_detail:
            best, best_detail = crop, detail
    return best


def _n_subjects(rng: np.random.Generator) -> int:
    return int(rng.choice([1, 1, 1, 2, 2, 3]))


def make(recipe: str, pools: _Pools, rng: np.random.Generator) -> tuple[np.ndarray, tuple[str, ...]]:
    """One RGB image for *recipe* and the ids of the sources in it."""
    if recipe == "cartoon_plain":
        fgs = _cartoons(pools, rng, _n_subjects(rng))
        comp = compose([_rgba(s) for s in fgs], bgs.synthetic, rng, _cfg(outline=0.3, shadow=0.2),
                       "animated", [s.id for s in fgs])
        return comp.image, comp.sources
    if recipe == "cartoon_graphic":
        fgs = _cartoons(pools, rng, _n_subjects(rng))
        bg, ids = _graphic_background(pools, rng)
        comp = compose([_rgba(s) for s in fgs], bg, rng, _cfg(outline=0.2), "animated", [s.id for s in fgs])
        return comp.image, tuple(ids) + comp.sources
    if recipe == "painted_subject":
        fgs = [_pick(rng, pools.painted) for _ in range(int(rng.choice([1, 1, 1, 2])))]
        u = rng.random()
        if u < 0.5:
            bg, ids = bgs.synthetic, []
        elif u < 0.75:
            src = _pick_by_origin(rng, pools.art)
            bg, ids = _rgb(src), [src.id]
        else:
            bg, ids = _graphic_background(pools, rng)
        comp = compose([_rgba(s) for s in fgs], bg, rng, _cfg(outline=0.2, shadow=0.2, scale=(0.6, 1.0)),
                       "animated", [s.id for s in fgs])
        return comp.image, tuple(ids) + comp.sources
    if recipe == "art_whole":
        src = _pick_by_origin(rng, pools.art)
        h, w = _size(rng)
        # a third nearly whole (how users bring finished pictures), the rest detail crops
        return _crop(_rgb(src), h, w, rng, 0.85 if rng.random() < 0.35 else 0.3), (src.id,)
    if recipe == "graphic_only":
        bg, ids = _graphic_background(pools, rng)
        h, w = _size(rng)
        img = bg(h, w, rng) if callable(bg) else _crop(bg, h, w, rng, 0.35)
        return img, tuple(ids)
    if recipe in ("stylized_photo", "photo_whole"):
        src = _pick(rng, pools.photos)
        h, w = _size(rng)
        img = _crop(_rgb(src), h, w, rng, 0.5 if recipe == "stylized_photo" else 0.25)
        if recipe == "stylized_photo":
            return cartoonize(img, rng), (src.id,)
        if rng.random() < 0.1:
            img = np.repeat(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)
        return img, (src.id,)
    if recipe in ("photo_on_photo", "stylized_composite"):
        fgs = [_pick(rng, pools.stamps) for _ in range(_n_subjects(rng))]
        bg = _pick(rng, pools.photos)
        comp = compose([_rgba(s) for s in fgs], _rgb(bg), rng, _cfg(shadow=0.25), "normal", [s.id for s in fgs])
        img = cartoonize(comp.image, rng) if recipe == "stylized_composite" else comp.image
        return img, (bg.id,) + comp.sources
    if recipe == "photo_studio":
        fgs = [_pick(rng, pools.stamps) for _ in range(_n_subjects(rng))]
        comp = compose([_rgba(s) for s in fgs], bgs.synthetic, rng, _cfg(outline=0.15, shadow=0.5),
                       "normal", [s.id for s in fgs])
        return comp.image, comp.sources
    if recipe == "stylized_stamp":
        fgs = [_pick(rng, pools.stamps) for _ in range(int(rng.choice([1, 1, 2])))]
        looks = [cartoonize_rgba(_rgba(s), rng) for s in fgs]
        bg = bgs.synthetic if rng.random() < 0.7 else _graphic_background(pools, rng)[0]
        comp = compose(looks, bg, rng, _cfg(outline=0.3, scale=(0.6, 1.0)), "animated", [s.id for s in fgs])
        return comp.image, comp.sources
    raise ValueError(f"unknown recipe {recipe!r}")


def _cfg(**kw) -> CompositeConfig:
    return CompositeConfig(**{**CANVAS.__dict__, **kw})


def _size(rng: np.random.Generator) -> tuple[int, int]:
    from trainer.data.composite import canvas_size

    return canvas_size(rng, CANVAS)


def plan(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(split, recipe, index) for every image; shares rounded per split and style."""
    jobs = []
    for split, per_style in counts.items():
        for recipe, (_, share) in RECIPES.items():
            jobs += [(split, recipe, i) for i in range(round(per_style * share))]
    return jobs


# -- worker side -------------------------------------------------------------
_STATE: dict = {}


def _init(sources: str, seed: int, out: str) -> None:
    cv2.setNumThreads(1)
    catalog = router_catalog(Path(sources))
    _STATE.update(seed=seed, out=Path(out),
                  pools={s: _Pools(catalog, s, seed) for s in ("train", "val", "test")})


def _job(job: tuple[str, str, int]) -> dict:
    split, recipe, i = job
    style = RECIPES[recipe][0]
    key = [_STATE["seed"], ("train", "val", "test").index(split), list(RECIPES).index(recipe), i]
    rng = np.random.default_rng(key)
    img, sources = make(recipe, _STATE["pools"][split], rng)
    rel = f"{split}/{style}/{recipe}-{i:05d}.jpg"
    path = _STATE["out"] / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(img).save(path, quality=int(rng.integers(75, 96)))
    return Sample(rel, split, style, recipe, tuple(sources)).__dict__


def _fingerprint(catalog: Catalog) -> str:
    """Changes when any source is added, removed or re-split, so a stale dataset is rebuilt."""
    import hashlib

    keys = sorted(f"{s.id}|{s.split()}" for s in catalog.all())
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]


def build(sources: Path, out: Path, seed: int = 0, counts: dict[str, int] | None = None,
          workers: int | None = None, log=print) -> list[Sample]:
    """Write the dataset under *out* and its index ``index.jsonl``; reuse it when already complete."""
    counts = counts or DEFAULT_COUNTS
    out = Path(out)
    index = out / "index.jsonl"
    stamp = json.dumps({"seed": seed, "counts": counts, "recipes": RECIPES, "min_detail": MIN_DETAIL,
                        "sources": _fingerprint(router_catalog(Path(sources)))}, sort_keys=True)
    if index.exists() and (out / "stamp.json").exists() and (out / "stamp.json").read_text() == stamp:
        return [Sample(**{**d, "sources": tuple(d["sources"])}) for d in map(json.loads, index.read_text().splitlines())]
    jobs = plan(counts)
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    rows: list[dict] = []
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(str(sources), seed, str(out))) as pool:
        for k, row in enumerate(pool.map(_job, jobs, chunksize=16)):
            rows.append(row)
            if (k + 1) % 500 == 0:
                log(f"  {k + 1}/{len(jobs)} images")
    index.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (out / "stamp.json").write_text(stamp)
    return [Sample(**{**r, "sources": tuple(r["sources"])}) for r in rows]
