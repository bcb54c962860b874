"""Draw the Sticker Studio app icon: PNGs at the usual sizes plus an SVG.

The icon is a smiling die-cut sticker with a peeled corner on a violet-to-pink
rounded square. Everything is drawn here (Pillow for the PNGs, hand-written
SVG with the same geometry), so the artwork has no outside source.

    python scripts/make_icons.py            # writes resources/icons/
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
CANVAS = 1024  # design grid; drawn at 2× and scaled down for smooth edges
SS = 2

TOP_LEFT = (139, 92, 246)  # violet
BOTTOM_RIGHT = (236, 72, 153)  # pink
INK = (76, 29, 149)  # dark violet for the face
FLAP = (221, 214, 254)  # back of the peeled corner
CHEEK = (249, 168, 212)

BG_BOX, BG_RADIUS = (64, 64, 960, 960), 224
CENTRE, RADIUS = (512, 492), 318
#: The chord that cuts the peeled corner: points with x + y > PEEL_C are folded.
PEEL_C = 512 + 492 + RADIUS * math.sqrt(2) * 0.8


def _s(v: float) -> int:
    return round(v * SS)


def _gradient(size: int) -> Image.Image:
    """Diagonal violet → pink gradient (top-left to bottom-right)."""
    ramp = np.linspace(0, 255, size, dtype=np.float32)
    mix = Image.fromarray(((ramp[None, :] + ramp[:, None]) / 2).astype(np.uint8), "L")
    a = Image.new("RGB", (size, size), TOP_LEFT)
    b = Image.new("RGB", (size, size), BOTTOM_RIGHT)
    return Image.composite(b, a, mix)


def _segment_points(steps: int = 64) -> list[tuple[float, float]]:
    """The circle's arc beyond the chord, chord end to chord end."""
    cx, cy = CENTRE
    # Solve x + y = PEEL_C on the circle: angles symmetric around 45°.
    d = (PEEL_C - cx - cy) / math.sqrt(2)  # distance of the chord from the centre
    half = math.acos(d / RADIUS)
    start, end = math.pi / 4 - half, math.pi / 4 + half
    return [(cx + RADIUS * math.cos(t), cy + RADIUS * math.sin(t))
            for t in (start + (end - start) * i / steps for i in range(steps + 1))]


def _reflect(p: tuple[float, float]) -> tuple[float, float]:
    """Mirror a point across the chord line x + y = PEEL_C."""
    x, y = p
    k = (x + y - PEEL_C)
    return x - k, y - k


def draw_png(size: int) -> Image.Image:
    big = CANVAS * SS
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    # background tile
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle([_s(v) for v in BG_BOX], _s(BG_RADIUS), fill=255)
    img.paste(_gradient(big), (0, 0), mask)

    # sticker body: circle minus the peeled segment
    cx, cy = CENTRE
    body = Image.new("L", (big, big), 0)
    ImageDraw.Draw(body).ellipse([_s(cx - RADIUS), _s(cy - RADIUS), _s(cx + RADIUS), _s(cy + RADIUS)],
                                 fill=255)
    seg = _segment_points()
    cut = Image.new("L", (big, big), 0)
    ImageDraw.Draw(cut).polygon([(_s(x), _s(y)) for x, y in seg], fill=255)
    body = ImageChops.subtract(body, cut)
    flap_mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(flap_mask).polygon([(_s(x), _s(y)) for x, y in map(_reflect, seg)], fill=255)

    # soft shadow under the sticker and its flap
    shadow = ImageChops.lighter(body, flap_mask).filter(ImageFilter.GaussianBlur(_s(22)))
    moved = Image.new("L", (big, big), 0)
    moved.paste(shadow, (0, _s(20)))
    shadow = moved.point(lambda v: v * 0.35)
    img.paste(Image.new("RGBA", (big, big), (40, 10, 80, 255)), (0, 0), shadow)
    img.paste(Image.new("RGBA", (big, big), (255, 255, 255, 255)), (0, 0), body)

    d = ImageDraw.Draw(img)
    # face
    for ex in (cx - 100, cx + 100):
        d.ellipse([_s(ex - 30), _s(cy - 92), _s(ex + 30), _s(cy - 8)], fill=INK)
        d.ellipse([_s(ex - 12), _s(cy - 78), _s(ex + 6), _s(cy - 58)], fill=(255, 255, 255))
    for ex in (cx - 170, cx + 170):
        d.ellipse([_s(ex - 40), _s(cy + 20), _s(ex + 40), _s(cy + 62)], fill=CHEEK)
    d.arc([_s(cx - 120), _s(cy - 40), _s(cx + 120), _s(cy + 130)], 20, 160, fill=INK, width=_s(34))
    for ang in (20, 160):  # round caps on the smile
        t = math.radians(ang)
        px, py = cx + 120 * math.cos(t) - 17 * math.cos(t), cy + 45 + 85 * math.sin(t) - 17 * math.sin(t)
        d.ellipse([_s(px - 17), _s(py - 17), _s(px + 17), _s(py + 17)], fill=INK)
    img.paste(Image.new("RGBA", (big, big), FLAP + (255,)), (0, 0), flap_mask)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def svg() -> str:
    cx, cy = CENTRE
    seg = _segment_points()
    (x0, y0), (x1, y1) = seg[0], seg[-1]
    flap = " ".join(f"{x:.1f},{y:.1f}" for x, y in map(_reflect, seg))
    x, y, x2, y2 = BG_BOX
    # the PNG's arc is 34 px wide inside a 120×85 box; an SVG stroke is centred
    smile_x, smile_y = 103 * math.cos(math.radians(20)), 45 + 68 * math.sin(math.radians(20))
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CANVAS} {CANVAS}" \
width="{CANVAS}" height="{CANVAS}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="rgb{TOP_LEFT}"/>
      <stop offset="1" stop-color="rgb{BOTTOM_RIGHT}"/>
    </linearGradient>
    <filter id="shadow" x="-20%" y="-20%" width="140%" height="140%">
      <feGaussianBlur stdDeviation="22"/>
    </filter>
  </defs>
  <rect x="{x}" y="{y}" width="{x2 - x}" height="{y2 - y}" rx="{BG_RADIUS}" fill="url(#bg)"/>
  <g transform="translate(0 20)" opacity="0.35" filter="url(#shadow)" fill="rgb(40,10,80)">
    <path d="M{x0:.1f},{y0:.1f} A{RADIUS},{RADIUS} 0 1 0 {x1:.1f},{y1:.1f} Z"/>
    <polygon points="{flap}"/>
  </g>
  <path d="M{x0:.1f},{y0:.1f} A{RADIUS},{RADIUS} 0 1 0 {x1:.1f},{y1:.1f} Z" fill="#fff"/>
  <polygon points="{flap}" fill="rgb{FLAP}"/>
  <g fill="rgb{INK}">
    <ellipse cx="{cx - 100}" cy="{cy - 50}" rx="30" ry="42"/>
    <ellipse cx="{cx + 100}" cy="{cy - 50}" rx="30" ry="42"/>
  </g>
  <g fill="#fff">
    <circle cx="{cx - 103}" cy="{cy - 68}" r="10"/>
    <circle cx="{cx + 97}" cy="{cy - 68}" r="10"/>
  </g>
  <g fill="rgb{CHEEK}">
    <ellipse cx="{cx - 170}" cy="{cy + 41}" rx="40" ry="21"/>
    <ellipse cx="{cx + 170}" cy="{cy + 41}" rx="40" ry="21"/>
  </g>
  <path d="M{cx + smile_x:.1f},{cy + smile_y:.1f} A103,68 0 0 1 {cx - smile_x:.1f},{cy + smile_y:.1f}"
        fill="none" stroke="rgb{INK}" stroke-width="34" stroke-linecap="round"/>
</svg>
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        draw_png(size).save(OUT / f"app-{size}.png", optimize=True)
    (OUT / "app.svg").write_text(svg(), encoding="utf-8")
    # Windows wants one .ico holding several sizes (PyInstaller's exe icon).
    draw_png(256).save(OUT / "app.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    print(f"wrote {len(SIZES)} PNGs and app.svg to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
