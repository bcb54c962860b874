"""Non-destructive edits of one sticker: clicks, brush strokes and placement, with undo and redo.

An ``Edits`` value is everything the user did on top of the automatic
cut-out; the sticker is always re-made from the photo's analysis plus the
edits, so they are stored with the library entry (``meta["edits"]``), survive
re-opening and re-export to any preset. Qt-free: the window and the CLI use the same value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping

from ..engine.brush import MAX_STROKE_POINTS, Stroke
from ..engine.prompts import Click
from ..errors import ConfigError, StickerStudioError
from ..sticker.compose import CENTRED, Placement

if TYPE_CHECKING:
    from ..engine.pipeline import Analysis
    from ..engine.subjects import Selection
    from ..maker import MadeSticker, StickerMaker
    from ..sticker.compose import StickerStyle

#: Bumped when the stored shape changes; older shapes are read where they can be.
EDITS_VERSION = 1
#: The most edits one sticker keeps (and the deepest undo); a stored list longer than this is refused.
MAX_EDITS = 500


@dataclass(frozen=True)
class Edits:
    """Clicks and strokes in the source photo's pixels, applied in order (clicks first), and placement."""

    clicks: tuple[Click, ...] = ()
    strokes: tuple[Stroke, ...] = ()
    placement: Placement = field(default=CENTRED)

    @property
    def empty(self) -> bool:
        return not self.clicks and not self.strokes and self.placement == CENTRED

    def with_click(self, click: Click) -> Edits:
        return replace(self, clicks=(*self.clicks, click))

    def with_stroke(self, stroke: Stroke) -> Edits:
        return replace(self, strokes=(*self.strokes, stroke.validate()))

    def with_placement(self, placement: Placement) -> Edits:
        return replace(self, placement=placement.validate())

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``meta["edits"]`` holds)."""
        return {
            "version": EDITS_VERSION,
            "clicks": [[c.x, c.y, c.positive] for c in self.clicks],
            "strokes": [{"mode": s.mode, "size": s.size, "softness": s.softness, "edge_aware": s.edge_aware,
                         "points": [list(p) for p in s.points]} for s in self.strokes],
            "placement": asdict(self.placement),
        }

    @classmethod
    def from_json(cls, data: Any) -> Edits:
        """The edits stored in *data*; ConfigError with one sentence when they are damaged."""
        try:
            return _parse(data)
        except ConfigError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, StickerStudioError):
            raise ConfigError("The sticker's stored edits are damaged, so they cannot be re-applied.") from None


def _parse(data: Any) -> Edits:
    if not isinstance(data, Mapping):
        raise ConfigError("The sticker's stored edits are not a set of edits.")
    if data.get("version", EDITS_VERSION) != EDITS_VERSION:
        raise ConfigError(f"The sticker's edits were stored by a newer version ({data.get('version')!r}).")
    clicks_raw, strokes_raw = data.get("clicks", []), data.get("strokes", [])
    if not isinstance(clicks_raw, list) or not isinstance(strokes_raw, list) \
            or len(clicks_raw) + len(strokes_raw) > MAX_EDITS:
        raise ConfigError(f"The sticker's stored edits must be lists of at most {MAX_EDITS} edits.")
    clicks = []
    for c in clicks_raw:
        x, y, positive = c
        if not (_number(x) and _number(y) and isinstance(positive, bool)):
            raise ConfigError("A stored click must be two numbers and whether it adds.")
        clicks.append(Click(float(x), float(y), positive))
    strokes = []
    for s in strokes_raw:
        points = s["points"]
        if not isinstance(points, list) or len(points) > MAX_STROKE_POINTS:
            raise ConfigError(f"A stored brush stroke must have at most {MAX_STROKE_POINTS} points.")
        edge = s.get("edge_aware", False)
        if not isinstance(edge, bool):
            raise ConfigError("A stored brush stroke's edge-aware flag must be true or false.")
        if not all(isinstance(p, list) and len(p) == 2 for p in points):
            raise ConfigError("A stored brush stroke's points must be pairs of numbers.")
        strokes.append(Stroke(s["mode"], tuple((p[0], p[1]) for p in points),
                              s["size"], s.get("softness", 0.0), edge).validate())
    raw = data.get("placement", {})
    if not isinstance(raw, Mapping):
        raise ConfigError("The sticker's stored placement is not a placement.")
    placement = Placement(**{k: raw[k] for k in Placement.__dataclass_fields__ if k in raw}).validate()
    return Edits(tuple(clicks), tuple(strokes), placement)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


class EditHistory:
    """Undo and redo over ``Edits`` values: every change is a new value, so undo is just going back."""

    def __init__(self, initial: Edits = Edits()) -> None:
        self._done: list[Edits] = [initial]
        self._undone: list[Edits] = []

    @property
    def current(self) -> Edits:
        return self._done[-1]

    @property
    def can_undo(self) -> bool:
        return len(self._done) > 1

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def push(self, edits: Edits) -> Edits:
        """Make *edits* current; what was undone cannot be redone after a new edit."""
        if edits != self.current:
            self._done.append(edits)
            del self._done[:-MAX_EDITS]
            self._undone.clear()
        return edits

    def undo(self) -> Edits:
        if self.can_undo:
            self._undone.append(self._done.pop())
        return self.current

    def redo(self) -> Edits:
        if self._undone:
            self._done.append(self._undone.pop())
        return self.current


def apply_edits(maker: StickerMaker, analysis: Analysis, edits: Edits, style: StickerStyle,
                selection: Selection = "auto") -> MadeSticker:
    """The sticker *edits* make from *analysis*: clicks, then strokes at full resolution, then placement.

    Its ``cutout`` is the edited cut-out (alpha = the mask), its ``image`` the composed sticker.
    """
    return maker.compose(analysis, style, selection, edits.clicks, edits.strokes, edits.placement)


def edits_meta(edits: Edits) -> dict[str, Any]:
    """What a save adds to the library entry's meta so the sticker re-opens editable."""
    return {} if edits.empty else {"edits": edits.to_json()}


def stored_edits(meta: Mapping[str, Any] | None) -> Edits:
    """The edits kept in a library entry's *meta* (none stored: no edits)."""
    raw = (meta or {}).get("edits")
    return Edits() if raw is None else Edits.from_json(raw)

