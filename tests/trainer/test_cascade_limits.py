"""The cascade's limits are the ones that cut the training photos best, with as few slow cuts as that allows."""

from __future__ import annotations

import pytest

from stickerstudio_desktop.engine.cascade import MEASURES
from trainer.cascade import Row, block, choose_limits, outcome


def _row(i: int, soft: float, fast: float, full: float, parts: float = 1.0) -> Row:
    d = dict.fromkeys(MEASURES, 0.0) | {"soft": soft, "parts": parts}
    return Row(f"p{i}", "object", d, fast, full)


def test_the_limit_sends_on_exactly_the_photos_the_full_model_cuts_better():
    rows = [_row(i, soft=i / 100, fast=0.9, full=0.9) for i in range(40)]  # sure and equal: stay fast
    rows += [_row(40 + i, soft=0.5 + i / 100, fast=0.3, full=0.8) for i in range(10)]  # blurry: full wins
    limits = choose_limits(rows)
    assert set(limits) == {"soft"} and 0.39 <= limits["soft"] < 0.5
    miou, share = outcome(rows, limits)
    assert share == 10 / 50 and miou == pytest.approx(0.88)
    entry = block(rows, limits)
    assert entry["fast"] == "u2netp" and entry["full"] == "u2net" and entry["chosen_on"]["sent_to_full"] == 0.2


def test_a_second_limit_is_kept_only_when_it_adds_to_the_miou():
    rows = [_row(i, soft=i / 100, fast=0.9, full=0.9) for i in range(40)]
    rows += [_row(40 + i, soft=0.5 + i / 100, fast=0.3, full=0.8) for i in range(10)]
    rows += [_row(50 + i, soft=0.0, fast=0.2, full=0.9, parts=6.0) for i in range(5)]  # split maps: full wins
    limits = choose_limits(rows)
    assert set(limits) == {"soft", "parts"} and outcome(rows, limits)[1] == 15 / 55
