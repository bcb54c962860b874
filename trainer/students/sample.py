"""Build the committed student eval sample: held-out composites we may redistribute.

    .venv/bin/python -m trainer.students.sample [--count 24]

Only the animated style has one: its test-split Kenney sprites (CC0) and Noto
emoji (OFL) on Kenney tiles or synthetic backgrounds give exact masks from
redistributable files. No redistributable normal-style source has a real
alpha channel (the photo foregrounds are Tux Paint stamps, GPL, training only),
so normal composites stay in the gitignored ``.cache/students``.

The sample lands in ``tests/data/student_eval/<style>/{images,masks}/test``,
the layout ``stickerstudio-train eval --students --data`` reads.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.files import atomic_write_bytes

from ..data.catalog import ORIGINS, build_catalog
from ..data.fetch import fetch_all
from .data import build

SAMPLE_DIR = ROOT_DIR / "tests" / "data" / "student_eval"
REDISTRIBUTABLE = {"animated": frozenset({"kenney", "noto-emoji"})}


def build_sample(sources: Path, out: Path = SAMPLE_DIR, count: int = 24) -> dict[str, int]:
    """(Re)write the sample from scratch; returns images per style."""
    if not (sources / "versions.json").is_file():
        fetch_all(sources)
    catalog = build_catalog(sources)
    written = {}
    for style, origins in REDISTRIBUTABLE.items():
        assert all(ORIGINS[o].redistributable for o in origins)
        with tempfile.TemporaryDirectory(prefix="student-sample-") as tmp:
            data = build(catalog, style, Path(tmp), counts={"test": count}, origins=origins, log=lambda _: None)
            target = out / style
            shutil.rmtree(target, ignore_errors=True)
            for kind in ("images", "masks"):
                shutil.copytree(data.root / kind / "test", target / kind / "test")
            written[style] = len(data.test_items())
    lines = ["# Student eval sample: sources and licences", "",
             "Composites written by `python -m trainer.students.sample` from test-split sources only "
             "(never seen in training); each image's mask is the exact union of its pasted subjects.", ""]
    for style, origins in REDISTRIBUTABLE.items():
        lines.append(f"- `{style}/` ({written[style]} images): "
                     + "; ".join(f"{ORIGINS[o].name}, {ORIGINS[o].licence}" for o in sorted(origins))
                     + "; backgrounds are Kenney tiles (CC0-1.0) or drawn by code.")
    atomic_write_bytes(out / "LICENSES.md", ("\n".join(lines) + "\n").encode())
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=ROOT_DIR / ".cache" / "sources")
    ap.add_argument("--count", type=int, default=24)
    args = ap.parse_args(argv)
    print(build_sample(args.sources, count=args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
