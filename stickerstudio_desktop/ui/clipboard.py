"""The sticker on the system clipboard as PNG with transparency, and a safe hand-over at exit."""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication, QImage


def put_png_on_clipboard(png: bytes) -> QMimeData:
    """Offer *png* as image/png and as an image; keep the returned data for ``release_clipboard``."""
    mime = QMimeData()
    mime.setData("image/png", png)
    mime.setImageData(QImage.fromData(png, "PNG"))
    QGuiApplication.clipboard().setMimeData(mime)
    return mime


def release_clipboard(mime: QMimeData | None) -> None:
    """Hand our clipboard data over to a copy Qt owns.

    The clipboard keeps the QMimeData we gave it until the process exits;
    a Python-made one would then be destroyed after the interpreter has
    shut down, which crashes. The image stays on the clipboard.
    """
    clipboard = QGuiApplication.clipboard()
    if mime is not None and clipboard.mimeData() is mime:
        clipboard.setImage(QImage(mime.imageData()))
