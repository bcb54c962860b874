"""Sticker making as the GUI and CLI both need it: engine → composer → export → library.

The engine knows nothing of captions or files; the composer knows nothing of
models. This module is the one place they meet, so both front doors make
byte-identical stickers from the same inputs.
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from PIL import Image

from .engine.brush import Stroke, apply_strokes
from .engine.pipeline import Analysis, Cutout, Pipeline, to_working
from .engine.prompts import Click
from .engine.subjects import Selection
from .engine.types import Timings
from .library import Library, LibraryEntry
from .metrics import METRICS
from .sticker.compose import CENTRED, Placement, StickerStyle, add_caption, build_base
from .sticker.presets import PRESETS, EncodedSticker, encode_sticker, get_preset
from .sticker.style_meta import style_to_meta


@dataclass
class MadeSticker:
    image: Image.Image  # composed, working resolution, RGBA
    analysis: Analysis
    cutout: Cutout
    style: StickerStyle
    timings: Timings
    encoded: EncodedSticker | None = None
    encoded_preset: str | None = None
    entry: LibraryEntry | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StickerMaker:
    """Caches the outline/shadow base per cut-out so caption edits are cheap."""

    def __init__(self, pipeline: Pipeline, library: Library | None = None) -> None:
        self.pipeline = pipeline
        self.library = library
        self._bases: dict[tuple, Any] = {}
        self._brushed: dict[tuple, np.ndarray] = {}  # painted cut-outs by (cut-out, strokes so far)
        self._lock = threading.Lock()

    def compose(self, analysis: Analysis, style: StickerStyle, selection: Selection = "auto",
                clicks: Sequence[Click] = (), strokes: Sequence[Stroke] = (),
                placement: Placement = CENTRED) -> MadeSticker:
        """The sticker of *selection*, fixed by *clicks* then brushed by *strokes* (both in the source's
        pixels, applied in order), its subject and caption moved by *placement*."""
        cutout = self.pipeline.cutout(analysis, selection, to_working(analysis, clicks))
        timings = Timings(dict(analysis.timings.stages))
        for k, v in cutout.timings.stages.items():
            timings.add(k, v)
        if strokes:
            cutout = self.brushed(analysis, cutout, strokes, (analysis.key, analysis.engine,
                                                              tuple(cutout.indices), tuple(clicks)))
            timings.add("brush", cutout.timings.stages["brush"])
        t0 = time.perf_counter()
        key = (analysis.key, analysis.engine, tuple(cutout.indices), tuple(clicks), tuple(strokes),
               style.outline_px, style.shadow)
        with self._lock:
            base = self._bases.get(key)
        if base is None:
            base = build_base(cutout.image, style.outline_px, style.shadow)
            with self._lock:
                if len(self._bases) > 16:
                    self._bases.clear()
                self._bases[key] = base
        image = add_caption(base, style, placement)
        dt = time.perf_counter() - t0
        timings.add("compose", dt * 1000)
        METRICS.stage_seconds.labels("compose", "").observe(dt)
        return MadeSticker(image=image, analysis=analysis, cutout=cutout, style=style, timings=timings)

    def brushed(self, analysis: Analysis, cutout: Cutout, strokes: Sequence[Stroke], key: tuple = ()) -> Cutout:
        """*cutout* with *strokes* (source pixels) painted on it at the working copy's full resolution.

        With a *key* naming the cut-out, the result is kept, so the next stroke paints only itself.
        """
        s = analysis.rgb.shape[1] / analysis.source_size[0]
        t0 = time.perf_counter()
        strokes = tuple(strokes)
        done, rgba = 0, np.asarray(cutout.image)
        with self._lock:
            for n in range(len(strokes), 0, -1):  # the longest stroke prefix already painted
                hit = self._brushed.get((key, strokes[:n])) if key else None
                if hit is not None:
                    done, rgba = n, hit
                    break
        rgba = apply_strokes(analysis.rgb, rgba, [st.validate().scaled(s) for st in strokes[done:]])
        if key:
            with self._lock:
                if len(self._brushed) > 16:
                    self._brushed.clear()
                self._brushed[(key, strokes)] = rgba
        timings = Timings()
        timings.add("brush", (time.perf_counter() - t0) * 1000)
        return Cutout(image=Image.fromarray(rgba, "RGBA"), indices=cutout.indices, timings=timings)

    def make(self, source, style: StickerStyle, *, engine: str = "auto",
             selection: Selection = "auto") -> MadeSticker:
        return self.compose(self.pipeline.analyse(source, engine), style, selection)

    def encode(self, made: MadeSticker, preset: str) -> EncodedSticker:
        t0 = time.perf_counter()
        made.encoded = encode_sticker(made.image, get_preset(preset))
        made.encoded_preset = preset
        dt = time.perf_counter() - t0
        made.timings.add("export", dt * 1000)
        METRICS.stage_seconds.labels("export", preset).observe(dt)
        return made.encoded

    def save(self, made: MadeSticker, preset: str, extra_meta: dict[str, Any] | None = None) -> LibraryEntry:
        """Encode for *preset* and store in the library with everything needed to redo it."""
        if self.library is None:
            raise RuntimeError("this StickerMaker has no library")
        enc = made.encoded if made.encoded and made.encoded_preset == preset else self.encode(made, preset)
        master = io.BytesIO()
        made.image.save(master, "PNG")
        a = made.analysis
        meta = {
            "preset": preset, **style_to_meta(made.style), "engine": a.engine, "note": a.note,
            "style": a.style.style if a.style else None,
            "style_score": round(a.style.score, 4) if a.style else None,
            "subjects": made.cutout.indices, "models": self.pipeline.model_versions(),
            "timings_ms": {k: round(v, 1) for k, v in made.timings.stages.items()},
            **(extra_meta or {}),
        }
        made.entry = self.library.add(
            kind="sticker", data=enc.data, fmt=enc.format, width=enc.size[0], height=enc.size[1],
            title=made.style.caption, source_sha256=a.key, meta=meta, master_png=master.getvalue())
        METRICS.stickers_made.labels(preset).inc()
        return made.entry


def preset_names() -> list[str]:
    return list(PRESETS)
