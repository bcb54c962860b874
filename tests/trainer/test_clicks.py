"""The simulated click protocol: where each click goes, and a real photo fixed through the app's mask."""

from __future__ import annotations

import numpy as np
import pytest

from trainer import clicks, realgt


def test_first_click_is_deepest_inside_then_the_largest_error_decides():
    truth = np.zeros((100, 100), bool)
    truth[20:80, 10:50] = True
    first = clicks.next_click(np.zeros_like(truth), truth, first=True)
    assert first.positive and 29 <= first.x <= 30 and 39 <= first.y <= 60  # 20 px from every edge
    pred = truth.copy()
    pred[20:80, 10:20] = False  # a 600-px miss …
    pred[0:10, 60:100] = True  # … and a 400-px false part
    c = clicks.next_click(pred, truth, first=False)
    assert c.positive and 10 <= c.x < 20 and 20 <= c.y < 80
    pred[20:80, 10:20] = True
    c = clicks.next_click(pred, truth, first=False)
    assert not c.positive and c.y < 10 and c.x >= 60
    assert clicks.next_click(truth, truth, first=False) is None


def test_noc_and_summary():
    runs = [clicks.ClickRun("a", [0.5, 0.86, 0.91, 0.95, 0.95, 0.95], [100.0] * 5),
            clicks.ClickRun("b", [0.9, 0.8, 0.8, 0.8, 0.8, 0.8], [300.0] * 5)]
    assert runs[0].noc(0.85) == 1 and runs[0].noc(0.90) == 2 and runs[1].noc(0.85) == 0 and runs[1].noc(0.95) == 5
    s = clicks.summarise(runs)
    assert s["noc85"] == 0.5 and s["noc90"] == 1.0 and s["one_click_worse"] == 1 and s["click_p50_ms"] == 200.0


@pytest.mark.skipif(not realgt.load_items("eval"), reason="../shared/realgt is not beside the checkout")
def test_clicks_on_a_real_photo_never_make_the_first_step_worse(shared_pipeline):
    item = realgt.load_items("eval")[1]
    run = clicks.simulate(shared_pipeline, item, clicks=3)
    assert len(run.ious) == 4 and len(run.ms) <= 3
    assert run.ious[1] >= run.ious[0] - 1e-9  # a click inside the object never hurts
    assert max(run.ious) > 0.5
