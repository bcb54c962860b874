"""Sticker making after the cut-out: composition, captions, fonts, export."""

from .compose import Base, StickerStyle, add_caption, build_base, compose_sticker
from .fonts import DEFAULT_FONT, BundledFont, list_fonts, resolve_font
from .presets import PRESETS, EncodedSticker, ExportResult, Preset, encode_sticker, export_sticker

__all__ = [
    "Base", "StickerStyle", "add_caption", "build_base", "compose_sticker",
    "DEFAULT_FONT", "BundledFont", "list_fonts", "resolve_font",
    "PRESETS", "EncodedSticker", "ExportResult", "Preset", "encode_sticker", "export_sticker",
]
