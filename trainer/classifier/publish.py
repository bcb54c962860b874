"""The classifier's section of the data card (its manifest entry: ``trainer.manifest_writer``)."""

from __future__ import annotations

import re
from pathlib import Path

from stickerstudio_desktop.files import atomic_write_bytes

NAME = "style_classifier"
BEGIN, END = "<!-- style_classifier:begin -->", "<!-- style_classifier:end -->"


def update_data_card(path: Path, section: str) -> Path:
    """Replace the marked style-classifier section (or append it) in docs/data-card.md."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Data card\n\n"
    block = f"{BEGIN}\n{section.strip()}\n{END}"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    return atomic_write_bytes(path, text.encode("utf-8"))
