"""The promotion rule on hand-made per-image IoUs."""

from __future__ import annotations

import pytest

from trainer.gate import StyleScores, decide

RULE = {"margin": 0.02, "tolerance": 0.05, "min_iou": 0.5}


def test_promotes_when_the_mean_improves_by_the_margin():
    d = decide({"normal": StyleScores([0.6, 0.6], [0.7, 0.7])}, **RULE)
    assert d.promote and d.champion_miou == pytest.approx(0.6) and d.challenger_miou == pytest.approx(0.7)


def test_rejects_an_improvement_smaller_than_the_margin():
    d = decide({"normal": StyleScores([0.6, 0.6], [0.61, 0.61])}, **RULE)
    assert not d.promote and "margin" in d.reason


def test_rejects_a_worse_challenger():
    d = decide({"normal": StyleScores([0.8, 0.8], [0.2, 0.3])}, **RULE)
    assert not d.promote


def test_rejects_when_one_style_regresses_beyond_tolerance_even_if_the_mean_improves():
    scores = {"normal": StyleScores([0.5] * 8, [0.9] * 8),
              "animated": StyleScores([0.8, 0.8], [0.6, 0.6])}
    d = decide(scores, **RULE)
    assert d.challenger_miou > d.champion_miou + RULE["margin"]
    assert not d.promote and "animated falls" in d.reason


def test_a_small_regression_within_tolerance_is_accepted():
    scores = {"normal": StyleScores([0.5] * 8, [0.9] * 8),
              "animated": StyleScores([0.8, 0.8], [0.77, 0.77])}
    assert decide(scores, **RULE).promote


def test_an_untouched_style_keeps_its_champion_scores_on_both_sides():
    scores = {"normal": StyleScores([0.5, 0.5], [0.8, 0.8]), "animated": StyleScores([0.9, 0.9], None)}
    d = decide(scores, **RULE)
    assert d.promote
    assert d.per_style["animated"]["challenger_miou"] == pytest.approx(0.9)
    assert d.champion_miou == pytest.approx(0.7) and d.challenger_miou == pytest.approx(0.85)


def test_the_first_model_of_a_style_must_reach_the_floor():
    assert decide({"normal": StyleScores(None, [0.6, 0.7])}, **RULE).promote
    d = decide({"normal": StyleScores(None, [0.3, 0.4])}, **RULE)
    assert not d.promote and "floor" in d.reason


def test_nothing_to_judge_is_never_a_promotion():
    assert not decide({}, **RULE).promote
    assert not decide({"normal": StyleScores([0.5], None)}, **RULE).promote


def test_real_photos_refuse_a_challenger_that_only_teacher_labels_like():
    scores = {"normal": StyleScores(champion=[0.6] * 4, challenger=[0.8] * 4)}
    worse_on_real = {"normal": StyleScores(champion=[0.8] * 6, challenger=[0.7] * 6)}
    d = decide(scores, margin=0.01, tolerance=0.02, min_iou=0.5, real=worse_on_real)
    assert not d.promote and "on 6 real photos with human masks normal falls from 0.800 to 0.700" in d.reason
    assert d.per_style["normal"]["real_challenger_miou"] == pytest.approx(0.7)
    same_on_real = {"normal": StyleScores(champion=[0.8] * 6, challenger=[0.79] * 6)}
    assert decide(scores, margin=0.01, tolerance=0.02, min_iou=0.5, real=same_on_real).promote
    assert decide(scores, margin=0.01, tolerance=0.02, min_iou=0.5).promote  # no real photos: as before
