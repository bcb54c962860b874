"""A short camera-move clip (slow zoom and pan) of a real photo, for the README's animated sticker.

    PYTHONPATH=. .venv/bin/python scripts/make_demo_clip.py resources/samples/chelsea.jpg /tmp/chelsea.mp4
    .venv/bin/stickerstudio make /tmp/chelsea.mp4 --preset whatsapp --caption "Hi!" -o chelsea.webp
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

from trainer.clip_composite import camera_move, write_video


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    with Image.open(source) as photo:
        write_video(camera_move(photo), target, fps=15)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
