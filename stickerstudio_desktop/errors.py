"""One exception hierarchy whose messages are written for people.

The CLI prints ``str(error)`` on one line and the GUI shows it in the window,
so every message is a complete sentence that says what to do.
"""


class StickerStudioError(Exception):
    """Base of every error we expect and explain."""


class ImageLoadError(StickerStudioError):
    """An input could not be read as an image."""


class ClipError(ImageLoadError):
    """A clip (GIF, animated WebP/PNG, video) could not be read, or is not one we can make a sticker of."""


class ModelError(StickerStudioError):
    """A model file is missing, corrupt or does not meet its contract."""


class ExportError(StickerStudioError):
    """A sticker could not be written within a preset's limits."""


class ConfigError(StickerStudioError):
    """A setting or command-line value is invalid."""


class GenerationError(StickerStudioError):
    """A text-to-image provider failed or none is configured."""


class LibraryError(StickerStudioError):
    """The sticker library could not be read or written."""


class UploadError(StickerStudioError):
    """A platform refused a sticker pack, or could not be reached, while uploading it."""


class UsageError(ConfigError):
    """A front door was asked for something that makes no sense (the CLI exits 2)."""
