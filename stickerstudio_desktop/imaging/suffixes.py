"""File name endings that mark an image file: what folders expand to and the open dialog offers."""

from __future__ import annotations

from pathlib import Path

#: Every suffix of a format ``load_image`` reads (JPEG, PNG, WebP, BMP, TIFF, GIF), lower case.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")

#: Suffixes of the video containers ``imaging.clips`` reads with PyAV, lower case.
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".mkv")


def is_input_name(path: Path) -> bool:
    """True for a visible image or video file: what a folder given to ``make`` expands to."""
    return (path.suffix.lower() in IMAGE_SUFFIXES + VIDEO_SUFFIXES) and not path.name.startswith(".")


def is_image_name(path: Path) -> bool:
    """True for a visible file whose suffix is an image's (the content is checked on load)."""
    return path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")
