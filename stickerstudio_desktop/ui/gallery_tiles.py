"""Gallery tiles: a sticker (or each frame of an animated one) shrunk onto a rounded checkerboard.

Built on worker threads: QImage and QPainter (unlike QPixmap) are safe off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageSequence
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath

from . import theme


def tile(img: Image.Image, side: int, t: theme.Theme) -> QImage:
    """*img* fitted into a *side*-px rounded checkerboard square."""
    inner = max(1, round(side * 0.86))
    img = img.copy()
    img.thumbnail((inner, inner))
    rgba = img.convert("RGBA")
    sticker = QImage(rgba.tobytes(), rgba.width, rgba.height, 4 * rgba.width, QImage.Format.Format_RGBA8888)
    out = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    out.fill(Qt.GlobalColor.transparent)
    p = QPainter(out)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addRoundedRect(QRectF(0, 0, side, side), side * 0.08, side * 0.08)
    p.setClipPath(clip)
    p.fillRect(0, 0, side, side, QColor(t.checker_a))
    cell = max(4, side // 16)
    for y in range(0, side, cell):
        for x in range((y // cell) % 2 * cell, side, 2 * cell):
            p.fillRect(x, y, cell, cell, QColor(t.checker_b))
    p.drawImage((side - sticker.width()) // 2, (side - sticker.height()) // 2, sticker)
    p.end()
    return out


def thumbnail(path: Path, side: int, t: theme.Theme) -> QImage | None:
    """The sticker file's first frame as a tile; None when it cannot be read."""
    from ..errors import ImageLoadError
    from ..imaging import load_image

    try:
        img = load_image(path, name=path.name)
    except ImageLoadError:
        return None
    return tile(img, side, t)


def frame_tiles(path: Path, side: int, t: theme.Theme, check_cancel=lambda: None,
                ) -> tuple[list[QImage], list[int]] | None:
    """Every frame of an animated WebP/APNG/GIF as a tile, with its duration in ms.

    None when Pillow cannot read the file as an animation (a WEBM video sticker, a
    broken file): the gallery then keeps the still thumbnail.
    """
    try:
        with Image.open(path) as im:
            if getattr(im, "n_frames", 1) < 2:
                return None
            tiles, durations = [], []
            for frame in ImageSequence.Iterator(im):
                check_cancel()
                durations.append(max(10, int(frame.info.get("duration") or 100)))
                tiles.append(tile(frame.convert("RGBA"), side, t))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return tiles, durations
