"""The platform names, importable without Pillow or the library (the CLI's parser needs them)."""

PLATFORM_NAMES = ("whatsapp", "telegram", "signal")
