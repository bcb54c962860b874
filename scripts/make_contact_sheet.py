"""Render docs/images/contact-sheet.png: photo → sticker for every sample photo.

    .venv/bin/python scripts/make_contact_sheet.py [--engine auto]

Stickers are drawn on a blue backdrop so the white die-cut outline shows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stickerstudio_desktop.config.paths import app_paths  # noqa: E402
from stickerstudio_desktop.engine.pipeline import Pipeline  # noqa: E402
from stickerstudio_desktop.maker import StickerMaker  # noqa: E402
from stickerstudio_desktop.sticker.compose import StickerStyle  # noqa: E402
from stickerstudio_desktop.sticker.fonts import load_font, resolve_font  # noqa: E402

CAPTIONS = {"astronaut": "Mission ready 🚀", "chelsea": "Meow?", "coffee": "Coffee time ☕",
            "grace_hopper": "Debug mode", "china": "Ni hao 👋", "flower": "Bloom 🌸", "rocket": "Liftoff!"}
FONTS = ["Comic Neue", "Bebas Neue", "Lobster Two", "Quicksand", "Noto Sans", "Leckerli One"]
CELL = 256


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", default="auto")
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "images" / "contact-sheet.png"))
    args = ap.parse_args()
    photos = sorted((ROOT / "resources" / "samples").glob("*.jpg")) + sorted((ROOT / "tests" / "data").glob("*.jpg"))
    maker = StickerMaker(Pipeline(paths=app_paths(tempfile.mkdtemp())))
    label_font = load_font(resolve_font("Noto Sans"), 14)
    sheet = Image.new("RGB", (2 * CELL * 4, (CELL + 24) * ((len(photos) + 3) // 4)), "white")
    for i, photo in enumerate(photos):
        style = StickerStyle(caption=CAPTIONS.get(photo.stem, "Hello 👋"), font=FONTS[i % len(FONTS)],
                             text_color=["#FFFFFF", "#FFD400", "#FF5FA2"][i % 3], shadow=i % 2 == 1)
        made = maker.make(photo, style, engine=args.engine)
        x, y = (i % 4) * 2 * CELL, (i // 4) * (CELL + 24)
        src = ImageOps.contain(Image.open(photo).convert("RGB"), (CELL - 8, CELL - 8))
        sheet.paste(src, (x + (CELL - src.width) // 2, y + (CELL - src.height) // 2))
        backdrop = Image.new("RGBA", (CELL, CELL), (74, 120, 190, 255))
        backdrop.alpha_composite(made.image.resize((CELL, CELL), Image.Resampling.LANCZOS))
        sheet.paste(backdrop.convert("RGB"), (x + CELL, y))
        ms = made.timings.stages
        ImageDraw.Draw(sheet).text(
            (x + 6, y + CELL + 4), f"{photo.name} · {made.analysis.engine} · segment {ms.get('segment', 0):.0f} ms",
            fill="black", font=label_font)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.output, optimize=True)
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
