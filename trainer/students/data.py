"""Composite segmentation data for the two students, in ultralytics' YOLO-seg layout.

Normal: photo foregrounds (Tux Paint photo stamps and, from data version 2,
GCompris photo subjects cut out by the U²-Net teacher) on photo backgrounds,
plus (version 2, train split) whole GCompris photos labelled by the teacher.
Version 3 adds close-ups to the train split, since real photos often fill the
frame with their subject: a share of composites with one subject at up to 1.3×
the canvas' short side (cut by the border), and tight crops of the labelled
photos. Version 4 has the teacher label the catalog's portraits too, and no
longer pastes train subjects onto a photo whose own subject is labelled (a
person in the background taught the student that people are background) or
onto a photo of the bundling gate. Val and test stay exactly version 2's, so
numbers stay comparable.
Animated: cartoon stamps, Kenney sprites, emoji and cartoonised photo
stamps on illustrated, tiled or synthetic backgrounds. Every split draws
only on sources of that split (``SourceImage.split``), so no test image
shares a foreground or background file with training. Seeded: the same
arguments rebuild the same files. Test images also get their exact union
mask as a PNG, the ground truth of the evaluation harness.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.engine.names import STYLES
from stickerstudio_desktop.files import atomic_write_bytes

from ..data import backgrounds
from ..data.catalog import Catalog, SourceImage
from ..data.composite import CompositeConfig, compose
from ..data.imageio import load_rgb
from ..data.stylize import cartoonize_rgba
from ..polygons import mask_to_polygons, yolo_label

#: Where the student composites are built (one folder per style and data version).
DATA_DIR = ROOT_DIR / ".cache" / "students"
SPLIT_COUNTS = {"train": 1600, "val": 160, "test": 160}
#: Bumped when a style's source pools change: its composites then go to a new folder, and an
#: old folder is never topped up with images drawn from different pools.
DATA_VERSIONS = {"normal": 4, "animated": 1}
#: Version 2: share of normal subjects drawn from the teacher cuts, and crops per labelled photo.
TEACHER_SHARE = 0.35
CROPS_PER_PHOTO = 4
#: Version 3 (train split): share of normal composites that are close-ups, their subject scale
#: (long side / canvas short side), and tight crops per labelled photo.
CLOSE_UP_SHARE = 0.3
CLOSE_UP_SCALE = (0.85, 1.3)
TIGHT_CROPS_PER_PHOTO = 3
#: Version 4: the one photo of the bundling gate (resources/samples) that the catalog puts in train.
GATE_PHOTOS_IN_TRAIN = frozenset({"sklearn:flower.jpg"})


def style_dir(root: Path, style: str) -> Path:
    """Where one style's composites live under the students' work dir."""
    version = DATA_VERSIONS[style]
    return Path(root) / (style if version == 1 else f"{style}-v{version}")


@dataclass(frozen=True)
class StudentData:
    root: Path
    style: str

    @property
    def yaml(self) -> Path:
        return self.root / "data.yaml"

    def test_items(self) -> list[tuple[Path, Path]]:
        """(image, union mask) pairs of the held-out split."""
        return [(p, self.root / "masks" / "test" / f"{p.stem}.png")
                for p in sorted((self.root / "images" / "test").glob("*.jpg"))]


def _pools(catalog: Catalog, style: str, split: str, seed: int, origins: frozenset[str] | None = None):
    """(foregrounds, photo foregrounds to cartoonise, backgrounds, teacher cuts) of one split."""
    pools = _all_pools(catalog, style, split, seed)
    if origins is None:
        return pools
    return tuple([s for s in pool if s.origin in origins] for pool in pools)


def _all_pools(catalog: Catalog, style: str, split: str, seed: int):
    if style == "normal":
        fgs = catalog.select(catalog.foregrounds, split, seed, style="normal")
        bgs = catalog.select(catalog.photos, split, seed) + catalog.select(catalog.scenes, split, seed)
        if split == "train":  # val and test keep version 2's backgrounds
            subjects = {s.group for s in catalog.labelled_photos} | GATE_PHOTOS_IN_TRAIN
            bgs = [b for b in bgs if b.group not in subjects]
        return fgs, [], bgs, catalog.select(catalog.teacher_cuts, split, seed)
    fgs = catalog.select(catalog.foregrounds, split, seed, style="animated")
    photo_fgs = catalog.select(catalog.foregrounds, split, seed, style="normal")  # cartoonised
    bgs = catalog.select(catalog.graphics, split, seed) + catalog.select(catalog.tiles, split, seed)
    return fgs, photo_fgs, bgs, []


def _background(bgs: list[SourceImage], style: str, rng: np.random.Generator, cache: dict):
    if not bgs or (style == "animated" and rng.random() < 0.3):
        return backgrounds.synthetic
    src = bgs[int(rng.integers(len(bgs)))]
    if src.id not in cache:
        cache[src.id] = src.load_rgba(1024)[..., :3].copy() if src.role != "graphic" or src.origin != "kenney" \
            else src.load_rgba(256)
    img = cache[src.id]
    if img.shape[2] == 4:  # a tile: repeat it into a cartoon scene
        return lambda h, w, r, tile=img: backgrounds.tiled(tile, h, w, r)
    return img


def build(catalog: Catalog, style: str, out: Path, *, counts: dict[str, int] | None = None, seed: int = 0,
          max_side: int = 480, origins: frozenset[str] | None = None, log=print) -> StudentData:
    """Write images/, labels/, masks/test/ and data.yaml under *out*; skips what already exists.

    *origins* keeps only sources of those catalog origins (the committed sample: redistributable ones).
    """
    counts = counts or SPLIT_COUNTS
    out = Path(out)
    fg_cache: dict[str, np.ndarray] = {}
    bg_cache: dict[str, np.ndarray] = {}
    stats = {}
    for split, n in counts.items():
        fgs, photo_fgs, bgs, cuts = _pools(catalog, style, split, seed, origins)
        if not fgs and not photo_fgs:
            raise ValueError(f"no {style} foregrounds in the {split} split")
        config = CompositeConfig(long_side=(max_side * 2 // 3, max_side), outline=0.1 if style == "animated" else 0.0)
        close_up = CompositeConfig(long_side=config.long_side, scale=CLOSE_UP_SCALE)
        made = close_ups = 0
        for i in range(n):
            img_path = out / "images" / split / f"{style}-{split}-{i:05d}.jpg"
            if img_path.exists():
                continue  # resumable: each item has its own seed, so skipping changes nothing else
            key = [seed, STYLES.index(style), ("train", "val", "test").index(split), i]
            rng = np.random.default_rng(key)
            # its own stream: an item that is no close-up stays the very item of version 2
            near = style == "normal" and split == "train" and np.random.default_rng(key + [7]).random() < CLOSE_UP_SHARE
            k = int(rng.integers(1, 4)) if rng.random() < 0.35 and not near else 1
            picks = []
            for _ in range(k):
                cartoonise = style == "animated" and photo_fgs and rng.random() < 0.25
                pool = photo_fgs if cartoonise or not fgs else fgs
                if cuts and rng.random() < TEACHER_SHARE:  # no draw without cuts: animated stays as it was
                    pool = cuts
                src = pool[int(rng.integers(len(pool)))]
                if src.id not in fg_cache:
                    fg_cache[src.id] = src.load_rgba(512)
                rgba = fg_cache[src.id]
                rgba = cartoonize_rgba(rgba, rng) if cartoonise else rgba
                if (rgba[..., 3] > 127).any():  # a few stamps are almost all soft edge
                    picks.append((rgba, src.id))
            if not picks:
                continue
            background = _background(bgs, style, rng, bg_cache)
            comp = compose([p[0] for p in picks], background, rng, close_up if near else config, style=style,
                           sources=[p[1] for p in picks])
            if not comp.masks:
                continue
            lines = []
            for mask in comp.masks:
                polys = mask_to_polygons(mask)
                if polys:
                    lines.append(yolo_label(polys, mask.shape, 0))
            ok, jpg = cv2.imencode(".jpg", cv2.cvtColor(comp.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
            label = out / "labels" / split / f"{img_path.stem}.txt"
            atomic_write_bytes(label, ("\n".join(lines) + "\n").encode())
            if split == "test":
                union = np.logical_or.reduce(comp.masks).astype(np.uint8) * 255
                atomic_write_bytes(out / "masks" / "test" / f"{img_path.stem}.png",
                                   cv2.imencode(".png", union)[1].tobytes())
            atomic_write_bytes(img_path, jpg.tobytes())  # last: its presence marks the item done
            made += 1
            close_ups += near
        labelled = catalog.select(catalog.labelled_photos, split, seed) if split == "train" and cuts else []
        photos_made = _write_labelled(labelled, out, style, split, seed, max_side)
        stats[split] = {"requested": n, "written_now": made, "close_ups_written_now": close_ups,
                        "foreground_sources": len(fgs) + len(photo_fgs) + len(cuts), "background_sources": len(bgs),
                        "teacher_cut_sources": len(cuts), "labelled_photos": len(labelled),
                        "labelled_crops_written_now": photos_made}
        log(f"{style}/{split}: {made} new composites ({len(fgs)}+{len(photo_fgs)}+{len(cuts)} foregrounds, "
            f"{len(bgs)} backgrounds), {photos_made} crops of {len(labelled)} teacher-labelled photos")
    yaml = (f"path: {out.resolve()}\ntrain: images/train\nval: images/val\ntest: images/test\n"
            f"names:\n  0: subject\n")
    atomic_write_bytes(out / "data.yaml", yaml.encode())
    atomic_write_bytes(out / "build.json", json.dumps({"style": style, "seed": seed, "counts": counts,
                                                       "max_side": max_side, "stats": stats}, indent=2).encode())
    return StudentData(out, style)


def _write_labelled(photos: list[SourceImage], out: Path, style: str, split: str, seed: int, max_side: int) -> int:
    """Seeded crops of each teacher-labelled whole photo (loose, then tight), labelled with the teacher's mask."""
    made = 0
    for j, src in enumerate(photos):
        loaded = None
        for k in range(CROPS_PER_PHOTO + TIGHT_CROPS_PER_PHOTO):
            img_path = out / "images" / split / f"{style}-{split}-photo-{j:03d}-{k}.jpg"
            if img_path.exists():
                continue
            if loaded is None:
                assert src.path is not None and src.label is not None
                mask = cv2.imread(str(src.label), cv2.IMREAD_GRAYSCALE)
                loaded = (load_rgb(src.path, max(mask.shape)), mask > 127)
            rgb, mask = loaded
            rng = np.random.default_rng([seed, STYLES.index(style), 9, j, k])
            img, m = labelled_crop(rgb, mask, rng, max_side, tight=k >= CROPS_PER_PHOTO)
            polys = mask_to_polygons(m)
            if not polys:
                continue
            ok, jpg = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
            label = (yolo_label(polys, m.shape, 0) + "\n").encode()
            atomic_write_bytes(out / "labels" / split / f"{img_path.stem}.txt", label)
            atomic_write_bytes(img_path, jpg.tobytes())
            made += 1
    return made


def labelled_crop(rgb: np.ndarray, mask: np.ndarray, rng: np.random.Generator,
                  max_side: int, tight: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A random crop that keeps the subject's centre, flipped at random, long side in [2/3, 1] × max_side.

    A loose crop keeps 60–100 % of the photo; a *tight* one is the subject's box ×0.8–1.25 per
    side, so the subject fills the frame and is sometimes cut by its border, as in a close-up.
    """
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    cy, cx = (ys.mean(), xs.mean()) if len(ys) else (h / 2, w / 2)
    if tight and len(ys):
        ch = int(np.clip((ys.max() - ys.min() + 1) * rng.uniform(0.8, 1.25), 16, h))
        cw = int(np.clip((xs.max() - xs.min() + 1) * rng.uniform(0.8, 1.25), 16, w))
    else:
        scale = rng.uniform(0.6, 1.0)
        ch, cw = int(h * scale), int(w * scale)
    y0 = int(np.clip(cy - ch * rng.uniform(0.3, 0.7), 0, h - ch))
    x0 = int(np.clip(cx - cw * rng.uniform(0.3, 0.7), 0, w - cw))
    img, m = rgb[y0:y0 + ch, x0:x0 + cw], mask[y0:y0 + ch, x0:x0 + cw]
    if rng.random() < 0.5:
        img, m = img[:, ::-1], m[:, ::-1]
    side = int(rng.integers(max_side * 2 // 3, max_side + 1))
    s = side / max(ch, cw)
    size = (max(1, round(cw * s)), max(1, round(ch * s)))
    img = cv2.resize(np.ascontiguousarray(img), size, interpolation=cv2.INTER_AREA)
    m = cv2.resize(np.ascontiguousarray(m).astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    return img, m
