"""Non-destructive edits on real photos: clicks, strokes and placement re-make the same sticker, undo, storage."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from stickerstudio_desktop.engine.brush import Stroke
from stickerstudio_desktop.engine.prompts import Click
from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.jobs.context import AppContext
from stickerstudio_desktop.jobs.edit import EditHistory, Edits, apply_edits, edits_meta, stored_edits
from stickerstudio_desktop.jobs.inputs import source_meta
from stickerstudio_desktop.jobs.reopen import plan_reopen
from stickerstudio_desktop.sticker.compose import Placement, StickerStyle
from tests.conftest import SAMPLES

EDITS = Edits(clicks=(Click(40, 250), Click(420, 30, positive=False)),
              strokes=(Stroke("erase", ((200.0, 150.0), (260.0, 170.0)), size=40, softness=0.3),
                       Stroke("restore", ((10.0, 290.0),), size=12, edge_aware=True)),
              placement=Placement(dx=0.1, dy=-0.05, scale=0.8, rotation=15, caption_dy=-0.1))


@pytest.fixture
def ctx(shared_pipeline) -> AppContext:
    context = AppContext.create()
    context._pipeline = shared_pipeline
    return context


def test_edits_survive_json_and_the_library_meta(ctx):
    text = json.dumps(edits_meta(EDITS))
    assert stored_edits(json.loads(text)) == EDITS
    assert stored_edits({}) == Edits() and edits_meta(Edits()) == {}


@pytest.mark.parametrize("raw", [
    "clicks", {"clicks": [[1, 2]]}, {"clicks": [[1, "x", True]]}, {"strokes": [{"mode": "erase"}]},
    {"strokes": [{"mode": "blur", "size": 3, "points": [[1, 1]]}]},
    {"strokes": [{"mode": "erase", "size": 3, "points": [[1, 1, 1]]}]},
    {"placement": {"scale": 99}}, {"placement": {"dx": True}}, {"version": 7},
    {"clicks": [[1, 1, True]] * 501},
])
def test_damaged_stored_edits_are_one_sentence(raw):
    with pytest.raises(ConfigError) as err:
        Edits.from_json(raw)
    assert str(err.value).endswith((".", ")."))
    assert "\n" not in str(err.value)


def test_undo_and_redo_walk_back_and_forth_and_a_new_edit_drops_the_redo():
    h = EditHistory()
    one = h.push(h.current.with_click(Click(1, 1)))
    two = h.push(one.with_stroke(Stroke("erase", ((5.0, 5.0),))))
    assert h.undo() == one and h.undo() == Edits() and h.undo() == Edits() and not h.can_undo
    assert h.redo() == one and h.redo() == two and h.redo() == two and not h.can_redo
    h.undo()
    three = h.push(one.with_placement(Placement(dx=0.2)))
    assert not h.can_redo and h.current == three and h.undo() == one


def test_each_edit_changes_the_sticker_and_the_same_edits_make_the_same_pixels(ctx):
    a = ctx.pipeline.analyse(SAMPLES / "chelsea.jpg")
    style = StickerStyle(caption="Edited")
    plain = apply_edits(ctx.maker, a, Edits(), style)
    clicked = apply_edits(ctx.maker, a, Edits(clicks=EDITS.clicks), style)
    brushed = apply_edits(ctx.maker, a, Edits(clicks=EDITS.clicks, strokes=EDITS.strokes), style)
    alpha = [np.asarray(m.cutout.image)[..., 3] for m in (plain, clicked, brushed)]
    assert not np.array_equal(alpha[0], alpha[1]) and not np.array_equal(alpha[1], alpha[2])
    assert alpha[2][160, 230] == 0  # under the erase stroke
    moved = apply_edits(ctx.maker, a, EDITS, style)
    assert np.array_equal(np.asarray(moved.cutout.image), np.asarray(brushed.cutout.image))  # placement: canvas only
    assert moved.image.tobytes() != brushed.image.tobytes()
    again = apply_edits(ctx.maker, ctx.pipeline.analyse(SAMPLES / "chelsea.jpg"), EDITS, style)
    assert again.image.tobytes() == moved.image.tobytes()


def test_placement_moves_the_subject_and_the_caption_on_the_canvas(ctx):
    a = ctx.pipeline.analyse(SAMPLES / "coffee.jpg")
    style = StickerStyle(caption="Hi", outline_px=0)

    def box(p):
        alpha = np.asarray(apply_edits(ctx.maker, a, Edits(placement=p), style).image)[..., 3]
        ys, xs = np.nonzero(alpha[: int(alpha.shape[0] * 0.7)] > 16)  # above the caption band
        return xs.min(), xs.max(), ys.min(), ys.max(), alpha.shape[0]

    x0, x1, y0, y1, side = box(Placement())
    mx0, mx1, _, _, _ = box(Placement(dx=0.1))
    assert abs((mx0 - x0) - 0.1 * side) <= 2 and abs((mx1 - x1) - 0.1 * side) <= 2
    sx0, sx1, _, _, _ = box(Placement(scale=0.5))
    assert abs((sx1 - sx0) - 0.5 * (x1 - x0)) <= 3
    base = np.asarray(apply_edits(ctx.maker, a, Edits(), style).image)[..., 3]
    up = np.asarray(apply_edits(ctx.maker, a, Edits(placement=Placement(caption_dy=-0.1)), style).image)[..., 3]
    rows = lambda m: np.nonzero((m[int(side * 0.75):] > 16).any(axis=1))[0]  # noqa: E731
    assert rows(up).size and rows(base).size and rows(up).min() < rows(base).min()


def test_a_saved_sticker_reopens_with_its_edits_to_the_same_pixels_and_re_exports(ctx, tmp_path):
    photo = tmp_path / "chelsea.jpg"
    shutil.copy(SAMPLES / "chelsea.jpg", photo)
    style = StickerStyle(caption="Cat")
    made = apply_edits(ctx.maker, ctx.pipeline.analyse(photo), EDITS, style)
    entry = ctx.maker.save(made, "whatsapp", {**source_meta(photo), **edits_meta(EDITS)})

    stored = ctx.library.get(entry.id)
    plan = plan_reopen(stored, StickerStyle())
    assert plan.edits == EDITS and plan.source == photo.resolve() and not plan.problem
    ctx.pipeline.clear_caches()
    reopened = apply_edits(ctx.maker, ctx.pipeline.analyse(plan.source), plan.edits, plan.style, plan.selection)
    assert reopened.image.tobytes() == made.image.tobytes()
    telegram = ctx.maker.encode(reopened, "telegram")
    assert telegram.size == (512, 512) and telegram.format.lower() in ("webp", "png")


def test_a_sticker_with_damaged_stored_edits_reopens_without_them_and_says_why(ctx, tmp_path):
    photo = tmp_path / "coffee.jpg"
    shutil.copy(SAMPLES / "coffee.jpg", photo)
    made = apply_edits(ctx.maker, ctx.pipeline.analyse(photo), Edits(), StickerStyle())
    entry = ctx.maker.save(made, "whatsapp", {**source_meta(photo), "edits": {"clicks": "lots"}})
    plan = plan_reopen(ctx.library.get(entry.id), StickerStyle())
    assert plan.edits == Edits() and plan.source is not None and "stored edits" in plan.problem


def test_a_stroke_added_to_painted_ones_gives_the_pixels_of_painting_all_afresh(ctx):
    from stickerstudio_desktop.maker import StickerMaker

    a = ctx.pipeline.analyse(SAMPLES / "chelsea.jpg")
    style = StickerStyle()
    apply_edits(ctx.maker, a, Edits(strokes=EDITS.strokes[:1]), style)  # the first stroke is kept
    warm = apply_edits(ctx.maker, a, Edits(strokes=EDITS.strokes), style)  # so this paints only the second
    cold = apply_edits(StickerMaker(ctx.pipeline), a, Edits(strokes=EDITS.strokes), style)
    assert np.array_equal(np.asarray(warm.cutout.image), np.asarray(cold.cutout.image))
    assert warm.image.tobytes() == cold.image.tobytes()


def test_a_sticker_made_on_the_command_line_with_clicks_reopens_with_them(tmp_path):
    from stickerstudio_desktop.cli import main

    photo = tmp_path / "coffee.jpg"
    shutil.copy(SAMPLES / "coffee.jpg", photo)
    assert main(["make", str(photo), "--engine", "u2netp", "--exclude", "300,200", "--include", "20,380"]) == 0
    (entry,) = AppContext.create().library.items()
    plan = plan_reopen(entry, StickerStyle())
    assert plan.edits.clicks == (Click(300, 200, positive=False), Click(20, 380))
