"""``--selftest``: prove an installation works, headless, in a few seconds.

Checks every model's checksum and output contract, then makes a real
sticker from a bundled sample into a temp dir. Used by the packaged app
and its build test.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .config.paths import app_paths, bundled
from .engine.contract import check_contract
from .engine.manifest import sha256_file
from .engine.pipeline import Pipeline
from .errors import ModelError


def run_selftest(home: str | None = None, out=print) -> int:
    """0 when everything works; raises StickerStudioError (exit 1) with the reason otherwise."""
    with tempfile.TemporaryDirectory(prefix="stickerstudio-selftest-") as tmp:
        paths = app_paths(home)  # read-only use: models are looked up, nothing is written there
        pipeline = Pipeline(paths=paths)
        for name, spec in pipeline.manifest.models.items():
            path = pipeline.registry.path(spec)
            if not path.is_file() and not spec.bundled:
                out(f"-- model {name}: not bundled, none promoted yet")
                continue
            if not path.is_file():
                raise ModelError(f"selftest: {name} is missing ({path}).")
            if pipeline.registry.promoted(name) is None and sha256_file(path) != spec.sha256:
                raise ModelError(f"selftest: {name} does not match its checksum ({path}).")
            shapes = check_contract(spec, pipeline.pool.get(path))
            first = list(shapes.values())[:2]
            out(f"ok model {name} {pipeline.registry.version(spec)} outputs {first}{' …' if len(shapes) > 2 else ''}")
        from .maker import StickerMaker
        from .sticker.compose import StickerStyle
        from .sticker.presets import write_encoded

        sample = bundled("resources", "samples", "chelsea.jpg")
        maker = StickerMaker(pipeline)
        made = maker.make(sample, StickerStyle(caption="Selftest ✓"))
        enc = maker.encode(made, "whatsapp")
        result = write_encoded(enc, "whatsapp", Path(tmp) / "selftest.webp")
        times = " ".join(f"{k}={v:.0f}ms" for k, v in made.timings.stages.items())
        out(f"ok sticker {result.width}x{result.height} {result.format} {result.bytes} bytes "
            f"engine={made.analysis.engine} {times}")
    out("selftest passed")
    return 0
