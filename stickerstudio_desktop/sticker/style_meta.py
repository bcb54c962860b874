"""A sticker's style to and from the metadata the library stores with it.

One place so a sticker saved by either front door re-opens with the style
it was made with, and a damaged or older entry falls back field by field.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from ..errors import StickerStudioError
from .compose import STYLE_FIELDS, StickerStyle


def style_to_meta(style: StickerStyle) -> dict[str, Any]:
    """The style's fields as JSON-ready library metadata."""
    return {name: getattr(style, name) for name in STYLE_FIELDS}


def style_from_meta(meta: Mapping[str, Any], fallback: StickerStyle, title: str = "") -> StickerStyle:
    """The style stored in *meta*; missing fields come from *fallback*, a bad one gives *fallback* whole.

    *title* stands in for the caption of entries saved before it was stored.
    """
    caption = meta.get("caption", title or "")
    try:
        style = replace(fallback, caption=caption,
                        **{name: meta[name] for name in STYLE_FIELDS if name != "caption" and name in meta})
        style = replace(style, outline_px=int(style.outline_px), shadow=bool(style.shadow))
        return style.validate()
    except (StickerStudioError, TypeError, ValueError):
        return fallback
