"""The one pipeline every front door uses: GUI, CLI and the trainer's gate.

load → classify → segment → choose subjects → refine → (compose, export in
``sticker``). Each stage is timed. Analyses and cut-outs are cached, so a
caption change never re-runs a model.
"""

from __future__ import annotations

import hashlib
import stat
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import cv2
import numpy as np
from PIL import Image

from ..config.paths import AppPaths, app_paths
from ..errors import ConfigError, ImageLoadError, ModelError
from ..imaging import load_image
from ..imaging.load import DEFAULT_MAX_PIXELS
from ..metrics import METRICS
from .cascade import doubts, unsure
from .classifier import StyleClassifier
from .manifest import CASCADE, STUDENT, UNCLEAR, Manifest, load_manifest
from .names import ENGINES, STYLES, YOLO_MODELS, yolo_model
from .prompts import Click, apply_clicks, check_clicks
from .refine import refine
from .registry import ModelRegistry
from .salient import SalientSegmenter, instances_from_saliency
from .sessions import SessionPool
from .subjects import Selection, choose, union_mask
from .types import Instance, StyleResult, Timings
from .yolo_seg import YoloSegmenter

#: Salient model ``auto`` uses where the manifest's routing names none, and the fallback when a
#: student finds nothing.
SALIENT_DEFAULT = "u2netp"
#: ``auto`` follows a style's route only when the classifier is at least this sure; a photo it calls
#: 52 % animated (Grace Hopper's portrait) goes to the routing table's ``unclear`` entry instead.
ROUTE_MIN_SCORE = 0.7
HIGH_QUALITY = "u2net"
CLASSIFIER = "style_classifier"
#: Longest side the models and refinement work at; bigger photos are scaled down.
MAX_WORK_SIDE = 2048
#: ``Analysis.engine`` of an image cut out by its own transparency, no model.
SOURCE_ALPHA = "source-alpha"


def cut_out(rgb: np.ndarray, instances: list[Instance], indices: list[int],
            clicks: Sequence[Click] = ()) -> np.ndarray:
    """RGBA cut-out of the chosen instances, fixed by *clicks*, with refined edges.

    What every sticker, and every score, starts from.
    """
    if not indices and not clicks:
        return np.zeros((*rgb.shape[:2], 4), np.uint8)
    mask = union_mask(instances, indices) if indices else np.zeros(rgb.shape[:2], np.float32)
    if clicks:
        mask = apply_clicks(rgb, instances, mask, clicks)
    return refine(rgb, mask, model_scale=max(rgb.shape[:2]) / 320)


@dataclass
class Analysis:
    """Everything the models said about one image; reused for every caption."""

    key: str
    rgb: np.ndarray  # working copy, H×W×3 uint8
    source_size: tuple[int, int]  # (w, h) of the file as loaded
    style: StyleResult | None
    engine: str  # model that produced the instances
    instances: list[Instance]
    note: str = ""  # e.g. why a fallback happened
    timings: Timings = field(default_factory=Timings)


@dataclass
class Cutout:
    image: Image.Image  # RGBA, working resolution
    indices: list[int]
    timings: Timings


def image_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _LRU(OrderedDict):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class Pipeline:
    """Thread-safe; create one per process and share it."""

    def __init__(self, *, paths: AppPaths | None = None, manifest: Manifest | None = None,
                 threads: int = 0, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        self.paths = paths or app_paths()
        self.manifest = manifest or load_manifest()
        self.registry = ModelRegistry(self.manifest, self.paths)
        self.pool = SessionPool(threads=threads)
        self.max_pixels = max_pixels
        self._lock = threading.Lock()
        self._analyses: _LRU = _LRU(8)
        self._cutouts: _LRU = _LRU(16)

    def clear_caches(self) -> None:
        """Forget every analysis and cut-out, so the next call runs the models (benchmarks, judges)."""
        with self._lock:
            self._analyses.clear()
            self._cutouts.clear()

    # -- models -------------------------------------------------------------
    def model_versions(self) -> dict[str, str]:
        return {n: self.registry.version(s) for n, s in self.manifest.models.items() if self.registry.available(n)}

    def _session(self, name: str):
        spec = self.manifest.get(name)
        path = self.registry.path(spec)
        if not path.is_file():
            hint = "run `stickerstudio fetch-models`" if spec.fetched else "reinstall Sticker Studio"
            raise ModelError(f"The {name} model is not installed ({path.name} missing); {hint}.")
        return spec, self.pool.get(path)

    def classifier(self) -> StyleClassifier | None:
        if not self.registry.available(CLASSIFIER):
            return None
        return StyleClassifier(*self._session(CLASSIFIER))

    def salient(self, name: str) -> SalientSegmenter:
        return SalientSegmenter(*self._session(name))

    def yolo(self, style: str) -> YoloSegmenter | None:
        name = yolo_model(style)
        return YoloSegmenter(*self._session(name)) if self.registry.available(name) else None

    # -- stages ---------------------------------------------------------------
    @contextmanager
    def _stage(self, timings: Timings, stage: str, model: str = "") -> Iterator[None]:
        t0 = time.perf_counter()
        yield
        dt = time.perf_counter() - t0
        timings.add(stage, dt * 1000)
        METRICS.stage_seconds.labels(stage, model).observe(dt)

    def load(self, source: str | Path | bytes | Image.Image, timings: Timings | None = None,
             name: str | None = None) -> tuple[str, Image.Image]:
        """Read *source* once: (content key, RGB/RGBA image); *name* labels bytes in errors."""
        timings = timings if timings is not None else Timings()
        with self._stage(timings, "load"):
            if isinstance(source, Image.Image):
                img = source.convert("RGBA" if "A" in source.getbands() else "RGB")
                return image_key(img.tobytes() + repr(img.size).encode()), img
            if not isinstance(source, bytes):
                name = Path(source).name
                source = _read_file(Path(source))
            return image_key(source), load_image(source, max_pixels=self.max_pixels, name=name)

    def classify_rgb(self, rgb: np.ndarray, timings: Timings | None = None) -> StyleResult | None:
        clf = self.classifier()
        if clf is None:
            return None
        with self._stage(timings or Timings(), "classify", clf.spec.name):
            return clf.classify(rgb)

    def analyse(self, source: str | Path | bytes | Image.Image, engine: str = "auto",
                name: str | None = None) -> Analysis:
        if engine not in ENGINES:
            raise ConfigError(f"Engine must be one of {', '.join(ENGINES)}, not {engine!r}.")
        timings = Timings()
        key, img = self.load(source, timings, name)
        with self._lock:
            cached = self._analyses.get((key, engine))
        if cached is not None:
            return cached
        rgb, alpha = _working_copy(img)
        style = self.classify_rgb(rgb, timings)
        engine_used, instances, note = self._segment(rgb, alpha, style, engine, timings)
        analysis = Analysis(key=key, rgb=rgb, source_size=img.size, style=style, engine=engine_used,
                            instances=instances, note=note, timings=timings)
        with self._lock:
            self._analyses.put((key, engine), analysis)
        return analysis

    def _segment(self, rgb: np.ndarray, alpha: np.ndarray | None, style: StyleResult | None,
                 engine: str, timings: Timings) -> tuple[str, list[Instance], str]:
        if engine == "auto" and alpha is not None:
            return SOURCE_ALPHA, instances_from_saliency(alpha), "used the image's own transparency"
        note = ""
        wanted = _style_name(style)
        route = self.route(style) if engine == "auto" else STUDENT if engine == "yolo" else engine
        if route == STUDENT:
            yolo = self.yolo(wanted)
            if yolo is None and engine == "yolo":
                raise ModelError(f"No YOLO model for {wanted} images is installed; choose auto or u2net.")
            if yolo is not None:
                found = self.segment_as(rgb, yolo.name, timings)
                if found:
                    return yolo.name, found, ""
                note = f"{yolo.name} found no subject; fell back to {SALIENT_DEFAULT}"
            route = SALIENT_DEFAULT
        elif engine == "auto" and style is not None and style.score < ROUTE_MIN_SCORE:
            note = f"the style is unclear ({style.score:.0%} {style.style}); used {route}"
        if route == CASCADE:
            return self._cascade(rgb, style, timings, note)
        return route, self.segment_as(rgb, route, timings), note

    def segment_as(self, rgb: np.ndarray, model: str, timings: Timings | None = None) -> list[Instance]:
        """Instances of *rgb* from *model*, a concrete ``Analysis.engine`` (a salient model or a YOLO student).

        No classifier, routing or cache: ``analyse`` routes through here, and a clip's later frames
        come here directly, since the key frame already chose the model and each frame is new.
        """
        seg = YoloSegmenter(*self._session(model)) if model in YOLO_MODELS else self.salient(model)
        with self._stage(timings or Timings(), "segment", model):
            return seg.segment(rgb)

    def _cascade(self, rgb: np.ndarray, style: StyleResult | None, timings: Timings,
                 note: str) -> tuple[str, list[Instance], str]:
        """The manifest cascade's fast model, or its full one where the fast cut-out is unsure."""
        cascade = self.manifest.cascade
        assert cascade is not None  # load_manifest refuses a cascade route without one
        found = self.segment_as(rgb, cascade.fast, timings)
        shape = rgb.shape[:2]
        why = unsure(doubts(found, choose(found, "auto", shape), shape, style), cascade.limits)
        if not why:
            return cascade.fast, found, note
        found = self.segment_as(rgb, cascade.full, timings)
        used = f"{cascade.fast} was unsure ({', '.join(why)}); used {cascade.full}"
        return cascade.full, found, f"{note}; {used}" if note else used

    def route(self, style: StyleResult | None) -> str:
        """What ``auto`` runs for an image of *style*: ``student``, ``cascade`` or a salient model's name.

        The manifest's routing table decides (``trainer.routes`` writes it from the real-image judges); a
        style it does not name goes to its student when one is installed, and an image whose style
        is unclear (score < ``ROUTE_MIN_SCORE``) to the table's ``unclear`` entry. Without a
        classifier every image counts as a photo.
        """
        table = self.manifest.routing
        if style is not None and style.score < ROUTE_MIN_SCORE:
            return table.get(UNCLEAR, SALIENT_DEFAULT)
        wanted = _style_name(style)
        route = table.get(wanted, STUDENT)
        if route == STUDENT and self.yolo(wanted) is None:
            return SALIENT_DEFAULT
        return route

    def cutout(self, analysis: Analysis, selection: Selection = "auto", clicks: Sequence[Click] = ()) -> Cutout:
        """The chosen subjects, fixed by *clicks* (working-copy pixels, applied in order)."""
        indices = choose(analysis.instances, selection, analysis.rgb.shape[:2])
        ckey = (analysis.key, analysis.engine, tuple(indices), tuple(clicks))
        with self._lock:
            cached = self._cutouts.get(ckey)
        if cached is not None:
            return cached
        timings = Timings()
        with self._stage(timings, "refine", analysis.engine):
            rgba = cut_out(analysis.rgb, analysis.instances, indices, clicks)
        result = Cutout(image=Image.fromarray(rgba, "RGBA"), indices=indices, timings=timings)
        with self._lock:
            self._cutouts.put(ckey, result)
        return result

    def mask(self, source: str | Path | bytes, engine: str = "auto", selection: Selection = "all",
             clicks: Sequence[Click] = ()) -> np.ndarray:
        """8-bit mask at the source's own size (for ``stickerstudio mask``); *clicks* in the source's pixels."""
        analysis = self.analyse(source, engine)
        w, h = analysis.source_size
        alpha = np.asarray(self.cutout(analysis, selection, to_working(analysis, clicks)).image)[..., 3]
        if alpha.shape != (h, w):
            alpha = cv2.resize(alpha, (w, h), interpolation=cv2.INTER_LINEAR)
        return alpha


#: Larger files are refused before reading; no supported photo comes close.
MAX_FILE_BYTES = 512 * 1024 * 1024


def to_working(analysis: Analysis, clicks: Sequence[Click]) -> list[Click]:
    """Clicks in the source file's pixels, checked against it, moved onto the (maybe smaller) working copy."""
    check_clicks(clicks, analysis.source_size)
    s = analysis.rgb.shape[1] / analysis.source_size[0]
    return [Click(c.x * s, c.y * s, c.positive) for c in clicks]


def _style_name(style: StyleResult | None) -> str:
    """The classified style; without a classifier every image counts as a photo."""
    return style.style if style else STYLES[0]


def _read_file(path: Path) -> bytes:
    """File bytes, or ImageLoadError with one sentence naming the file."""
    try:
        if path.is_dir():
            raise ImageLoadError(f"{path.name} is a folder, not an image file.")
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block the read forever
            raise ImageLoadError(f"{path.name} is not a regular file, so it cannot be an image.")
        if st.st_size > MAX_FILE_BYTES:
            raise ImageLoadError(f"{path.name} is larger than {MAX_FILE_BYTES >> 20} MB; it is not a photo we can use.")
        return path.read_bytes()
    except FileNotFoundError:
        raise ImageLoadError(f"{path.name} does not exist.") from None
    except PermissionError:
        raise ImageLoadError(f"{path.name} cannot be read: permission denied.") from None
    except OSError as exc:
        raise ImageLoadError(f"{path.name} cannot be read ({exc.strerror or exc}).") from None


def _working_copy(img: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """RGB array capped at MAX_WORK_SIDE, and the image's own alpha when it is meaningful."""
    scale = MAX_WORK_SIDE / max(img.size)
    if scale < 1:
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                         Image.Resampling.LANCZOS)
    arr = np.asarray(img)
    if arr.shape[2] == 4:
        alpha = arr[..., 3].astype(np.float32) / 255.0
        # Flatten onto white so the models see what a person sees.
        rgb = (arr[..., :3] * alpha[..., None] + 255 * (1 - alpha[..., None])).astype(np.uint8)
        transparent_share = float((alpha < 0.5).mean())
        return rgb, alpha if 0.01 < transparent_share < 0.99 else None
    return np.ascontiguousarray(arr), None
