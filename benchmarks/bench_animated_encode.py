"""Encode time of animated stickers: a 3 s, 30 fps clip fitted to each platform's animated rules.

Two clips of 90 frames at 512² from real art: the Grace Hopper portrait cut out with a soft oval,
and a Noto Color Emoji cat, each swaying and turning. Prints what each preset wrote (format, size,
frames kept, quality level, bytes), how many encodes the fit made, and wall and CPU seconds.

    .venv/bin/python benchmarks/bench_animated_encode.py [preset ...]
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def clip(art, frames: int = 90, frame_ms: int = 33):
    from PIL import Image

    from stickerstudio_desktop.sticker.animated import Animation

    art = art.copy()
    art.thumbnail((410, 410), Image.Resampling.LANCZOS)
    out = []
    for i in range(frames):
        phase = 2 * math.pi * i / frames
        frame = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
        frame.alpha_composite(art.rotate(20 * math.sin(phase), resample=Image.Resampling.BICUBIC),
                              ((512 - art.width) // 2 + int(30 * math.sin(phase)), (512 - art.height) // 2))
        out.append(frame)
    return Animation(tuple(out), (frame_ms,) * frames)


def art():
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    from stickerstudio_desktop.config.paths import bundled

    photo = Image.open(ROOT / "resources" / "samples" / "grace_hopper.jpg").convert("RGB")
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).ellipse((photo.width * 0.15, 8, photo.width * 0.85, photo.height - 8), fill=255)
    photo.putalpha(mask.filter(ImageFilter.GaussianBlur(6)))
    font = ImageFont.truetype(str(bundled("fonts", "NotoColorEmoji.ttf")), 109)
    cat = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
    ImageDraw.Draw(cat).text((10, 10), "\U0001F431", font=font, embedded_color=True)
    return {"photo": photo, "emoji": cat.resize((480, 480), Image.Resampling.LANCZOS)}


def main() -> int:
    from stickerstudio_desktop.errors import ExportError
    from stickerstudio_desktop.sticker import animated

    presets = sys.argv[1:] or ["whatsapp", "telegram", "signal", "discord"]
    count = [0]
    encode = animated._encode

    def counted(*args):
        count[0] += 1
        return encode(*args)

    animated._encode = counted  # counts the fit's encodes; the encoder itself runs unchanged
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("| clip | preset | result | encodes | wall s | CPU s |\n|---|---|---|---|---|---|")
    for name, cutout in art().items():
        moving = clip(cutout)
        for preset in presets:
            count[0], wall, cpu = 0, time.perf_counter(), time.process_time()
            try:
                e = animated.encode_animation(moving, preset)
                result = f"{e.format} {e.size[0]}×{e.size[1]}, {e.frames} frames, level {e.quality}, " \
                         f"{len(e.data) // 1024} KB"
            except ExportError as exc:
                result = f"refused: {exc}"
            print(f"| {name} | {preset} | {result} | {count[0]} | {time.perf_counter() - wall:.1f} | "
                  f"{time.process_time() - cpu:.1f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
