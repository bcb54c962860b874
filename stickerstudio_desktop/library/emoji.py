"""Emojis for pack stickers: split a string into emojis, check them, suggest some from a caption.

Every platform asks for emojis per sticker (WhatsApp 1–3); the suggestion is
only a start that the user can always edit. No emoji database ships with the
app, so an emoji is recognised by its code points (symbols, pictographs,
regional-indicator flags, keycaps) and joined sequences are kept whole.
"""

from __future__ import annotations

import re
import unicodedata

#: Most emojis a library pack sticker keeps (WhatsApp's limit, the strictest platform).
MAX_EMOJIS = 3
#: Used when neither the caption's emoji nor its words suggest one.
DEFAULT_EMOJI = "🙂"

_ZWJ = "\u200d"
_JOINERS = {"\ufe0f", "\ufe0e", "\u20e3"}  # variation selectors and the keycap mark attach to the one before
_KEYCAP_BASES = set("0123456789#*")

#: Caption word → emoji; the words people put on stickers most, in English.
KEYWORDS = {
    "hi": "👋", "hello": "👋", "hey": "👋", "bye": "👋", "love": "❤️", "heart": "❤️", "thanks": "🙏",
    "thank": "🙏", "please": "🙏", "yes": "👍", "ok": "👌", "okay": "👌", "no": "🙅", "lol": "😂",
    "haha": "😂", "funny": "😂", "happy": "😄", "smile": "😊", "sad": "😢", "cry": "😭", "sorry": "😔",
    "angry": "😠", "mad": "😠", "wow": "😮", "omg": "😱", "cool": "😎", "party": "🎉", "congrats": "🎉",
    "birthday": "🎂", "cake": "🎂", "coffee": "☕", "tea": "🍵", "sleep": "😴", "tired": "😴",
    "night": "🌙", "morning": "☀️", "sun": "☀️", "cat": "🐱", "dog": "🐶", "food": "🍔", "hungry": "🍔",
    "pizza": "🍕", "beer": "🍺", "kiss": "😘", "hug": "🤗", "think": "🤔", "hmm": "🤔", "fire": "🔥",
    "win": "🏆", "rocket": "🚀", "flower": "🌸", "star": "⭐", "music": "🎵", "work": "💼", "good": "👍",
}


def _is_emoji_start(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.category(ch) == "So" or 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF
            or ch in _KEYCAP_BASES)


def split_emojis(text: str) -> list[str]:
    """The emojis in *text*, joined sequences (ZWJ families, flags, skin tones, keycaps) kept whole.

    Characters that are not emojis are dropped, so ``"hi 👋!"`` gives ``["👋"]``.
    """
    out: list[str] = []
    current = ""
    for ch in text or "":
        cp = ord(ch)
        joins = current and (ch in _JOINERS or current.endswith(_ZWJ) or 0x1F3FB <= cp <= 0x1F3FF
                             or ch == _ZWJ or 0xE0020 <= cp <= 0xE007F
                             or (0x1F1E6 <= cp <= 0x1F1FF and _open_flag(current)))
        if joins:
            current += ch
            continue
        if current:
            out.append(current)
        current = ch if _is_emoji_start(ch) else ""
    if current:
        out.append(current)
    # a bare digit or # is only an emoji with its keycap mark
    return [e for e in out if not (e[0] in _KEYCAP_BASES and "\u20e3" not in e)]


def _open_flag(current: str) -> bool:
    """A single regional indicator waiting for its pair."""
    return len(current) == 1 and 0x1F1E6 <= ord(current) <= 0x1F1FF


def is_emoji(text: str) -> bool:
    """Whether *text* is exactly one emoji."""
    return split_emojis(text) == [text]


def suggest_emojis(caption: str, limit: int = MAX_EMOJIS) -> list[str]:
    """Emojis for a sticker: those in its caption first, then those its words suggest, else DEFAULT_EMOJI."""
    found = split_emojis(caption)
    for word in re.findall(r"[a-z]+", unicodedata.normalize("NFKC", caption or "").lower()):
        if word in KEYWORDS:
            found.append(KEYWORDS[word])
    unique = list(dict.fromkeys(found))[:limit]
    return unique or [DEFAULT_EMOJI]
