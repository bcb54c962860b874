"""What the editor's views show, built on the worker thread so the GUI thread only paints.

Qt images are made here (a premultiplied QImage that owns its pixels is safe
to hand across threads); the jobs return PIL images and numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtGui import QImage

from .outlines import SubjectOutline, subject_outlines


def to_qimage(image: Image.Image) -> QImage:
    """PIL RGBA → premultiplied QImage that owns its pixels (safe across threads)."""
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    q = QImage(rgba.tobytes(), rgba.width, rgba.height, 4 * rgba.width, QImage.Format.Format_RGBA8888)
    return q.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def rgb_to_qimage(rgb) -> QImage:
    h, w = rgb.shape[:2]
    return QImage(rgb.tobytes(), w, h, 3 * w, QImage.Format.Format_RGB888).copy()


@dataclass
class PhotoView:
    """What the Subjects view shows: the working photo and outlines of what was found."""

    analysis: Any
    image: QImage
    outlines: list[SubjectOutline]


@dataclass
class StickerView:
    """What the Sticker view shows. ``made`` is None for a re-opened file without its photo."""

    image: QImage
    pil: Image.Image
    made: Any = None
    entry: Any = None
    indices: list[int] = field(default_factory=list)
    edits: Any = None  # the Edits it was made with (saved with it)
    cutout: QImage | None = None  # the edited cut-out at the working copy's size (the edit view)
    before: QImage | None = None  # the cut-out without edits (the edit view's before/after toggle)


@dataclass
class BatchItem:
    path: Path
    error: str | None = None
    photo: PhotoView | None = None
    sticker: StickerView | None = None


def photo_view(analysis) -> PhotoView:
    """The Subjects view's data for an analysis (worker side: QImage conversion and outlines)."""
    return PhotoView(analysis, rgb_to_qimage(analysis.rgb),
                     subject_outlines(analysis.instances, analysis.rgb.shape[:2]))


def edit_sticker_view(made, edits, before: Image.Image) -> StickerView:
    """The Sticker and Edit views' data for a sticker made with *edits* (worker side)."""
    view = sticker_view(made)
    view.edits, view.cutout, view.before = edits, to_qimage(made.cutout.image), to_qimage(before)
    return view


def sticker_view(made) -> StickerView:
    """The Sticker view's data for a composed sticker (worker side)."""
    return StickerView(image=to_qimage(made.image), pil=made.image, made=made, indices=list(made.cutout.indices))
