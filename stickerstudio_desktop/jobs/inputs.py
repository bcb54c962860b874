"""What the user handed a front door, turned into what the jobs take."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..engine.prompts import Click
from ..engine.subjects import Selection
from ..errors import UsageError
from ..imaging.suffixes import is_input_name
from ..library.emoji import split_emojis


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders expand to their image and video files, sorted."""
    out: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(c for c in p.iterdir() if is_input_name(c)))
        else:
            out.append(p)
    return out


def parse_selection(text: str) -> Selection:
    """``auto``, ``all`` or subject indices like ``0,2``; UsageError otherwise."""
    text = text.strip().lower()
    if text in ("auto", "all"):
        return text
    try:
        return [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise UsageError(f"--subjects must be auto, all or numbers like 0,2, not {text!r}.") from None


def parse_point(text: str, positive: bool) -> Click:
    """``X,Y`` in the image's own pixels as a click; UsageError otherwise."""
    try:
        x, y = (float(t) for t in text.split(","))
    except ValueError:
        flag = "--include" if positive else "--exclude"
        raise UsageError(f"{flag} takes a point as X,Y in the image's pixels, like 120,80, not {text!r}.") from None
    return Click(x, y, positive)


def source_meta(path: Path) -> dict[str, Any]:
    """What the library keeps about a sticker's photo so either door can re-open it from the photo."""
    return {"source_name": path.name, "source_path": str(Path(path).resolve())}


def parse_emojis(values: Iterable[str]) -> tuple[str, ...]:
    """``--emoji`` values (each one emoji or several run together, commas and spaces allowed) → emojis."""
    out: list[str] = []
    for value in values:
        found = split_emojis(value)
        if "".join(found) != "".join(c for c in value if c not in ", "):
            raise UsageError(f"--emoji takes emojis like 😀 or 👍🎉, not {value!r}.")
        out.extend(found)
    return tuple(out)
