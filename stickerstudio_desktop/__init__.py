"""Sticker Studio: photo or prompt in, chat-ready sticker out."""

__version__ = "0.1.0"
