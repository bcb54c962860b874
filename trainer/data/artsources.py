"""Painted, anime and AI-generated illustrations, and more real photos, for the style router.

The first router data was nearly all sprites, emoji and stamps, so soft painterly
art (AI "Ghibli style" pictures, painted game portraits) looked like photos to it.
This module indexes the sources that fix that, in two groups:

- training sources (``router_pools``): Wesnoth's painted portraits (alpha) and
  story paintings, the Ren'Py demo's anime sprites (alpha) and concert
  illustration, Stable Diffusion's painterly sample images cut into tiles, and
  real photos (the Ren'Py demo's photo backgrounds, the ``train`` rows of
  ``../shared/realgt``);
- held-out sources (``heldout``): whole sources that no model ever trains on,
  the router's test: AI-generated Ghibli-style pictures, Flare's painted
  portraits, The Question's anime sprites and backgrounds, anime upscaler demo
  images, and realgt's ``eval`` photos.

The students never see any of these (the classifier's own pools).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from stickerstudio_desktop.config.paths import ROOT_DIR

from .catalog import Catalog, SourceImage, build_catalog

REALGT = Path(os.environ.get("STICKERSTUDIO_REALGT", ROOT_DIR.parent / "shared" / "realgt"))
WESNOTH = Path("wesnoth-1.16-data/usr/share/games/wesnoth/1.16/data/core/images")
#: Wesnoth campaign packages (story paintings, painted maps, more portraits); see trainer.data.fetch
WESNOTH_CAMPAIGNS = ("httt", "tsg", "sotbe", "did", "dw", "ei", "l", "low", "nr", "sof", "thot", "trow", "utbs", "dm")
RENPY_DEMO = Path("renpy-demo/usr/share/games/renpy/demo/game/images")
THE_QUESTION = Path("renpy-thequestion/usr/share/games/renpy/the_question/game/images")
FLARE = Path("flare-game/usr/share/games/flare/mods")
TILES = Path("github-tiles")
#: 4o-style "Ghibli-fied" pictures from public Ghibli-filter apps (training), file -> style;
#: the apps' before/after pairs give the source photos too (normal).
GHIBLI_APPS = {
    "GenerateGhibli+GenerateGhibli/public/images/posts/*.jpg": "animated",
    "thisyearnofear+ghiblify/front/public/examples/bridge.png": "animated",
    "thisyearnofear+ghiblify/front/public/examples/grow2.png": "animated",
    "thisyearnofear+ghiblify/front/public/ghibli-it.png": "animated",
    "thisyearnofear+ghiblify/front/public/ghibli-time.png": "animated",
    "thisyearnofear+ghiblify/images/jerry.png": "animated",
    "thisyearnofear+ghiblify/images/skyline.png": "animated",
    "xin655+ghibli-img/public/images/backgrounds/image1.png": "animated",
    "xin655+ghibli-img/public/images/backgrounds/image16.png": "animated",
    "xin655+ghibli-img/public/images/img/a300a83ccb414bb92a2d6a10baec1301d1871e95.png": "animated",
    "thisyearnofear+ghiblify/front/public/examples/0bridge.png": "normal",
    "thisyearnofear+ghiblify/images/0jerry.png": "normal",
    "xin655+ghibli-img/public/images/img/779516f51440bf2da2f7ccf0b8bf0d8a09f8c513.png": "normal",
}
RENPY_DEMO_PHOTOS = ("bg cave.jpg", "bg washington.jpg", "bg whitehouse.jpg", "bg panorama.webp")

#: held-out source -> (style, origin key in catalog.ORIGINS)
HELDOUT_SOURCES = {
    "ai-ghibli": ("animated", "ai-ghibli"),
    "flare-portraits": ("animated", "flare"),
    "thequestion": ("animated", "thequestion"),
    "anime-demos": ("animated", "anime-demos"),
    "realgt-eval": ("normal", "realgt"),
}
HELDOUT_ORIGINS = ("ai-ghibli", "flare", "thequestion", "anime-demos")
#: the fetched packages / repositories that only the held-out sources read
HELDOUT_PACKAGES = ("renpy-thequestion", "flare-game", "hahaamg/Generative_AI",
                    "danhtran2mind/Ghibli-Stable-Diffusion-Synthesis", "bilibili/ailab", "nagadomi/waifu2x")


@dataclass(frozen=True)
class HeldoutItem:
    id: str
    source: str  # key of HELDOUT_SOURCES
    style: str
    path: Path
    has_alpha: bool  # a sprite with a real alpha channel (usable for exact-mask composites)


def _stem_group(origin: str, rel: str) -> str:
    """Variants of one picture (numbered, mirrored, 'transparent' copies, _sun/_nohumans) share a split."""
    p = Path(rel)
    stem = re.sub(r"([-_]?\d+|[-_](mirror|sun|nohumans|alt))+$", "", p.stem)
    parent = "/".join(x for x in p.parent.parts if x != "transparent")
    return f"{origin}:{parent}/{stem}"


def _campaign_dirs(root: Path) -> list[Path]:
    out = []
    for c in WESNOTH_CAMPAIGNS:
        base = Path(root) / f"wesnoth-1.16-{c}" / "usr" / "share" / "games" / "wesnoth" / "1.16" / "data" / "campaigns"
        out += sorted(d / "images" for d in base.glob("*") if (d / "images").is_dir())
    return out


def wesnoth_portraits(root: Path) -> list[SourceImage]:
    bases = [("portraits", Path(root) / WESNOTH / "portraits")]
    bases += [(f"{d.parent.name}/portraits", d / "portraits") for d in _campaign_dirs(root)]
    out = []
    for tag, base in bases:
        for p in sorted(base.rglob("*.png")):
            rel = f"{tag}/{p.relative_to(base).as_posix()}"
            out.append(SourceImage(f"wesnoth:{rel}", _stem_group("wesnoth", rel), "foreground", "animated", "wesnoth", p))
    return out


def renpy_sprites(root: Path) -> list[SourceImage]:
    base = Path(root) / RENPY_DEMO
    return [SourceImage(f"renpy-demo:{p.name}", f"renpy-demo:{p.name.split()[0]}", "foreground", "animated",
                        "renpy-demo", p) for p in sorted(base.glob("*.png")) if p.name.split()[0] in ("eileen", "lucy")]


def art(root: Path) -> list[SourceImage]:
    """Whole painted / anime / AI-painterly pictures (animated)."""
    root = Path(root)
    out = [SourceImage(f"wesnoth:story/{p.name}", _stem_group("wesnoth", f"story/{p.name}"), "graphic", "animated",
                       "wesnoth", p) for p in sorted((root / WESNOTH / "story").glob("*.jpg"))]
    for d in _campaign_dirs(root):
        campaign = d.parent.name
        paths = sorted(p for p in (d / "story").glob("*.*") if p.suffix in (".jpg", ".png", ".webp"))
        paths += sorted(p for p in (d / "maps").glob("*.*") if p.suffix in (".jpg", ".png", ".webp"))
        for p in paths:
            rel = f"{campaign}/{p.parent.name}/{p.name}"
            # a campaign's story pictures share one painter and palette: one split for all of them
            out.append(SourceImage(f"wesnoth:{rel}", f"wesnoth:{campaign}", "graphic", "animated", "wesnoth", p))
    out += [SourceImage(f"renpy-demo:{p.name}", "renpy-demo:concert", "graphic", "animated", "renpy-demo", p)
            for p in sorted((root / RENPY_DEMO).glob("concert*.png"))]
    for p in sorted((root / "github" / "emilyxietty+ghiblify-v2" / "public" / "assets" / "backgrounds").glob("*.jpg")):
        out.append(SourceImage(f"ghibli-stills:{p.name}", f"ghibli-stills:{p.name}", "graphic", "animated",
                               "ghibli-stills", p))
    out += _ghibli_apps(root, "animated")
    tiles = root / TILES / "CompVis+stable-diffusion"
    for p in sorted(tiles.glob("*.png")):
        strip = p.stem.rsplit("-t", 1)[0]
        out.append(SourceImage(f"sd-samples:{p.name}", f"sd-samples:{strip}", "graphic", "animated", "sd-samples", p))
    return out


def _ghibli_apps(root: Path, style: str) -> list[SourceImage]:
    gh = Path(root) / "github"
    out = []
    for pattern, st in GHIBLI_APPS.items():
        if st != style:
            continue
        for p in sorted(gh.glob(pattern)):
            rel = p.relative_to(gh).as_posix()
            # an app's picture and its source photo share one split ("0bridge" / "bridge")
            group = f"ghibli-apps:{p.parent.as_posix()}/{p.stem.lstrip('0')}"
            out.append(SourceImage(f"ghibli-apps:{rel}", group, "graphic" if st == "animated" else "photo", st,
                                   "ghibli-apps", p))
    return out


def _realgt_rows(split: str, realgt: Path = REALGT) -> list[dict]:
    manifest = realgt / "manifest.csv"
    if not manifest.is_file():
        return []
    with open(manifest, newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["split"] == split]


def router_photos(root: Path, realgt: Path = REALGT) -> list[SourceImage]:
    """Real photos: people, pets, food, street scenes (realgt train rows only) and the demo's photo backgrounds."""
    out = [SourceImage(f"renpy-demo:{n}", f"renpy-demo:{n}", "photo", "normal", "renpy-demo", Path(root) / RENPY_DEMO / n)
           for n in RENPY_DEMO_PHOTOS if (Path(root) / RENPY_DEMO / n).is_file()]
    out += _ghibli_apps(root, "normal")
    for r in _realgt_rows("train", realgt):
        p = realgt / "images" / f"{r['stem']}.jpg"
        if p.is_file():
            out.append(SourceImage(f"realgt:{r['stem']}", f"realgt:{r['group'] or r['stem']}", "photo", "normal",
                                   "realgt", p))
    return out


def router_pools(root: Path) -> tuple[list[SourceImage], list[SourceImage], list[SourceImage]]:
    """(painted foregrounds, whole illustrations, extra photos); each empty when its source is missing."""
    return wesnoth_portraits(root) + renpy_sprites(root), art(root), router_photos(root)


def router_catalog(root: Path) -> Catalog:
    """The sources' catalog with the style router's extra pools; the students' catalog has none."""
    painted, pictures, photos = router_pools(root)
    return replace(build_catalog(root), painted=painted, art=pictures, router_photos=photos)


# -- held-out sources ----------------------------------------------------------
def _unique(paths: list[Path]) -> list[Path]:
    seen, out = set(), []
    for p in paths:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append(p)
    return out


def _ai_ghibli(root: Path) -> list[Path]:
    gh = Path(root) / "github"
    paths = sorted((gh / "hahaamg+Generative_AI").glob("Week1[0-2]/img/*"))
    synth = gh / "danhtran2mind+Ghibli-Stable-Diffusion-Synthesis"
    paths += sorted((synth / "assets" / "examples").rglob("result.png")) + sorted((synth / "tests" / "test_data").glob("*.png"))
    return _unique([p for p in paths if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp")])


def _anime_demos(root: Path) -> list[Path]:
    gh = Path(root) / "github"
    paths = sorted((gh / "bilibili+ailab" / "Real-CUGAN" / "demos").rglob("ori*.*"))
    w2x = gh / "nagadomi+waifu2x"
    paths += [w2x / "images" / "miku_small.png", w2x / "images" / "miku_CC_BY-NC.jpg",
              w2x / "webgen" / "assets" / "src" / "chibi_20162765420.png"]
    return _unique([p for p in paths if p.is_file()])


def heldout(root: Path, realgt: Path = REALGT) -> dict[str, list[HeldoutItem]]:
    """Every held-out item by source; a source that was not fetched is an empty list."""
    root = Path(root)
    out: dict[str, list[HeldoutItem]] = {k: [] for k in HELDOUT_SOURCES}

    def add(source: str, key: str, path: Path, alpha: bool = False) -> None:
        out[source].append(HeldoutItem(f"{source}:{key}", source, HELDOUT_SOURCES[source][0], path, alpha))

    for p in _ai_ghibli(root):
        add("ai-ghibli", p.relative_to(root / "github").as_posix(), p)
    flare = root / FLARE
    for p in sorted(flare.glob("*/images/portraits/*.png")):
        add("flare-portraits", p.relative_to(flare).as_posix(), p, alpha=True)
    tq = root / THE_QUESTION
    for p in sorted(tq.glob("*.*")):
        if p.suffix in (".png", ".jpg"):
            add("thequestion", p.name, p, alpha=p.name.startswith("sylvie"))
    for p in _anime_demos(root):
        add("anime-demos", p.relative_to(root / "github").as_posix(), p)
    for r in _realgt_rows("eval", realgt):
        p = realgt / "images" / f"{r['stem']}.jpg"
        if p.is_file():
            add("realgt-eval", r["stem"], p)
    return out
