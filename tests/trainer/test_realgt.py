"""The real-photo judge: reading ../shared/realgt, scoring the app's cut-outs, the model card section."""

from __future__ import annotations

import csv
import json

import cv2
import numpy as np
import pytest

from trainer import realcard, realgt

REALGT = realgt.realgt_dir()
needs_realgt = pytest.mark.skipif(not (REALGT / "manifest.csv").is_file(),
                                  reason=f"{REALGT} (real photos with human masks) is not beside the checkout")


def _tiny_set(root, rows):
    """A realgt-shaped folder: photos drawn by code, masks, manifest."""
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    with open(root / "manifest.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["stem", "source", "group", "split", "category", "width", "height", "fg_frac", "origin"])
        for stem, split, category in rows:
            img = np.full((60, 80, 3), 40, np.uint8)
            cv2.circle(img, (40, 30), 15, (250, 250, 250), -1)
            mask = np.zeros((60, 80), np.uint8)
            cv2.circle(mask, (40, 30), 15, 255, -1)
            cv2.imwrite(str(root / "images" / f"{stem}.jpg"), img)
            cv2.imwrite(str(root / "masks" / f"{stem}.png"), mask)
            w.writerow([stem, "COCO", "", split, category, 80, 60, 0.1, ""])
    return root


def test_items_follow_the_split_and_coarse_category(tmp_path):
    root = _tiny_set(tmp_path / "gt", [("a", "eval", "animal:cat+laptop"), ("b", "train", "food:pizza"),
                                        ("c", "eval", "")])
    items = realgt.load_items("eval", root)
    assert [(i.stem, i.category) for i in items] == [("a", "animal"), ("c", "other")]
    assert [i.stem for i in realgt.load_items("train", root)] == ["b"]
    rgb, truth = items[0].load()
    assert rgb.shape == (60, 80, 3) and truth.dtype == bool and 0.1 < truth.mean() < 0.2
    assert realgt.load_items("eval", tmp_path / "absent") == []
    assert "is skipped" in realgt.missing_message(tmp_path / "absent")
    with pytest.raises(ValueError):
        realgt.load_items("test", root)


def test_a_photo_and_mask_of_different_sizes_is_one_sentence(tmp_path):
    root = _tiny_set(tmp_path / "gt", [("a", "eval", "object:vase")])
    cv2.imwrite(str(root / "masks" / "a.png"), np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError, match="differ in size"):
        realgt.load_items("eval", root)[0].load()


def test_summary_groups_and_gaps():
    scores = [realgt.RealScore("a", "COCO", "animal", 0.9, 10, "u2netp"),
              realgt.RealScore("b", "COCO", "food", 0.5, 30, "u2netp"),
              realgt.RealScore("c", "DAVIS", "animal", 0.7, 20, "yolo_animated")]
    mine = realgt.summarise(scores)
    assert mine["miou"] == pytest.approx(0.7) and mine["p50_ms"] == 20
    assert mine["per_source"]["COCO"] == {"n": 2, "miou": 0.7}
    assert mine["per_category"]["animal"]["miou"] == pytest.approx(0.8)
    assert mine["engines"] == {"u2netp": 2, "yolo_animated": 1}
    ref = realgt.summarise([realgt.RealScore(s.stem, s.source, s.category, 0.8, 40, "u2net") for s in scores])
    gaps = realgt.worst_groups(mine, ref)
    assert gaps[0] == ("category food", pytest.approx(-0.3))
    block = {"engines": {"auto": mine, "u2net": ref}}
    reasons = realcard.verdict(block, "auto")
    assert any("mIoU 0.700 is below u2net's 0.800" in r for r in reasons)
    assert any("category food trails u2net by 0.300" in r for r in reasons)
    assert not any("animal" in r for r in reasons)  # 0.8 vs 0.8


def test_the_section_is_replaced_and_kept(tmp_path):
    section = f"{realcard.BEGIN}\nnew numbers\n{realcard.END}\n"
    doc = "# Card\n\nintro\n"
    once = realcard.replace_section(doc, section)
    assert once.endswith(section) and once.startswith("# Card")
    twice = realcard.replace_section(once.replace("new numbers", "old numbers"), section)
    assert twice.count(realcard.BEGIN) == 1 and "old numbers" not in twice
    # The student harness rewrites the whole card: the real-judge section survives it.
    assert realcard.keep_section(once, "# Card, rewritten\n").endswith(section)
    assert realcard.keep_section("# no section\n", "# fresh\n") == "# fresh\n"
    placed = realcard.replace_section("# Card\n\nintro\n\n## Targets\n\nrows\n", section)
    assert placed.index(realcard.BEGIN) < placed.index("## Targets")  # real images first


@needs_realgt
def test_the_shared_set_is_there_and_split_as_its_readme_says():
    ev, tr = realgt.load_items("eval"), realgt.load_items("train")
    assert len(ev) >= 100 and len(tr) >= 200
    assert not {i.stem for i in ev} & {i.stem for i in tr}
    assert {i.source for i in ev} == {"COCO", "DAVIS"}


def _art_set(root, n=3):
    """Held-out-art-shaped folder: a drawn disc pasted on a plain fill, its exact mask."""
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    with open(root / "manifest.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "source", "licence", "subjects", "background", "fg_frac"])
        for i in range(n):
            img = np.full((160, 200, 3), (90, 160, 220), np.uint8)
            mask = np.zeros((160, 200), np.uint8)
            cv2.ellipse(mask, (100, 80), (40 + 5 * i, 55), 0, 0, 360, 255, -1)
            img[mask > 0] = (30, 200, 60)
            cv2.circle(img, (100, 60), 10, (255, 255, 255), -1)
            cv2.imwrite(str(root / "images" / f"art-{i}.png"), img)
            cv2.imwrite(str(root / "masks" / f"art-{i}.png"), mask)
            w.writerow([f"art-{i}", "drawn-by-code", "generated by code", "", "synthetic", 0.2])
    return root


@needs_realgt
def test_judges_score_what_the_app_delivers_and_write_the_card(shared_pipeline, tmp_path):
    doc = tmp_path / "docs" / "model-card.md"
    doc.parent.mkdir()
    doc.write_text("# Model card\n\nkept text\n")
    report = realcard.run(shared_pipeline, art_dir=_art_set(tmp_path / "art"), doc=doc,
                          report_path=tmp_path / "report.json", limit=4, log=lambda m: None)
    photos, art = report["judges"]["photos"], report["judges"]["illustrations"]
    assert photos["n"] == 4 and set(realcard.JUDGED) <= set(photos["engines"])
    assert art["n"] == 3 and "yolo_animated" in art["engines"]  # the bundled student, on its own
    assert "cascade" in photos["engines"] and "cascade" in art["engines"]  # the manifest's cascade, on its own
    ref = photos["engines"]["u2net"]
    assert ref["n"] == 4 and 0.3 < ref["miou"] <= 1.0  # U²-Net cuts real photos far better than nothing
    assert photos["time_vs_reference"]["u2net"] == 1.0
    assert art["engines"]["u2net"]["per_category"] == {"on plain": {"n": 3, "miou": pytest.approx(
        art["engines"]["u2net"]["miou"])}}
    # Per-image scores agree with a direct computation from the app's own cut-out.
    item = realgt.load_items("eval")[0]
    mask, _ = realgt.pipeline_cutter(shared_pipeline, "u2net")(item)
    from trainer.scoring import iou

    assert photos["images"]["u2net"][item.stem] == pytest.approx(iou(mask, item.load()[1]), abs=1e-4)
    text = doc.read_text()
    assert "kept text" in text and text.count(realcard.BEGIN) == 1 and "| auto |" in text
    assert "### Photos (normal style)" in text and "### Illustrations (animated style)" in text
    for prefix, engine in (("realgt", "auto"), ("realgt", "u2net"), ("art", "yolo_animated")):
        sheet = tmp_path / "docs" / "images" / f"{prefix}-worst-{engine}.png"
        assert sheet.is_file() and f"images/{prefix}-worst-{engine}.png" in text
        assert cv2.imread(str(sheet)).shape[0] > 200
    saved = json.loads((tmp_path / "report.json").read_text())
    assert saved["judges"]["photos"]["engines"]["auto"]["n"] == 4 and not saved["notes"]


@needs_realgt
def test_eval_real_command(tmp_path, capsys):
    from trainer.cli import main

    doc = tmp_path / "card.md"
    argv = ["eval", "--real", "--doc", str(doc), "--report", str(tmp_path / "r.json"), "--art", str(tmp_path / "none")]
    assert main([*argv, "--limit", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["judges"]["photos"]["n"] == 2 and out["card"] == str(doc) and realcard.BEGIN in doc.read_text()
    assert list(out["judges"]) == ["photos"] and "heldout_art" in out["notes"][0]
    assert main([*argv, "--limit", "0"]) == 1  # one sentence, no traceback
