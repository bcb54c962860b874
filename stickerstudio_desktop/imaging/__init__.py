"""Reading images from outside the app: the single, hardened entry point."""

from .load import DEFAULT_MAX_PIXELS, SUPPORTED_FORMATS, ImageInfo, load_image, probe_image

__all__ = ["DEFAULT_MAX_PIXELS", "SUPPORTED_FORMATS", "ImageInfo", "load_image", "probe_image"]
