"""Reading images from outside the app: the single, hardened entry point."""

from .load import DEFAULT_MAX_PIXELS, SUPPORTED_FORMATS, ImageInfo, load_image, probe_image
from .suffixes import IMAGE_SUFFIXES, is_image_name

__all__ = ["DEFAULT_MAX_PIXELS", "IMAGE_SUFFIXES", "SUPPORTED_FORMATS", "ImageInfo", "is_image_name", "load_image",
           "probe_image"]
