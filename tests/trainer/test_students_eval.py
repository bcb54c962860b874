"""The student evaluation harness: boundary F-score, checkpoint export, and a whole run through the CLI.

The run uses a self-made held-out set (a photo ellipse and an emoji on
gradients, exact masks), real ONNX students (one that sees, one that is
blind, so the app's fallback is exercised) and the real U²-Net models.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from test_loop_support import ROOT, make_untrained_onnx

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.errors import ConfigError
from trainer.cli import EXIT_FAILED, EXIT_OK, main
from trainer.data.emoji import render
from trainer.students.checkpoints import checkpoint_state, export_checkpoint
from trainer.students.data import style_dir
from trainer.students.harness import harness_pipeline
from trainer.students.metrics import boundary_f_score


def _gradient(h: int, w: int, a, b) -> np.ndarray:
    t = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    return np.broadcast_to(np.asarray(a, np.float32) * (1 - t) + np.asarray(b, np.float32) * t, (h, w, 3))


def _write(root: Path, style: str, name: str, rgb: np.ndarray, mask: np.ndarray) -> None:
    folder = style_dir(root, style)
    (folder / "images" / "test").mkdir(parents=True, exist_ok=True)
    (folder / "masks" / "test").mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb.astype(np.uint8)).save(folder / "images" / "test" / f"{name}.jpg", quality=95)
    cv2.imwrite(str(folder / "masks" / "test" / f"{name}.png"), mask.astype(np.uint8) * 255)


def build_composites(root: Path) -> Path:
    """Two composites per style whose ground truth is known exactly."""
    photo = np.asarray(Image.open(ROOT / "resources" / "samples" / "astronaut.jpg").convert("RGB").resize((240, 240)))
    for i, (cx, cy) in enumerate(((110, 100), (150, 130))):
        h, w = 220, 280
        mask = np.zeros((h, w), np.uint8)
        cv2.ellipse(mask, (cx, cy), (60, 80), 0, 0, 360, 1, -1)
        canvas = _gradient(h, w, (30, 90, 160), (200, 220, 240)).copy()
        patch = photo[:h, :w] if w <= 240 else np.pad(photo[:h], ((0, 0), (0, w - 240), (0, 0)), mode="edge")
        canvas[mask > 0] = patch[mask > 0]
        _write(root, "normal", f"normal-test-{i:05d}", canvas, mask > 0)
    for i, cp in enumerate((0x1F600, 0x1F34E)):
        glyph = render(cp).astype(np.float32)
        gh, gw = glyph.shape[:2]
        h, w = 200, 260
        y, x = 30 + 10 * i, 60 + 40 * i
        canvas = _gradient(h, w, (250, 230, 200), (180, 220, 250)).copy()
        a = glyph[..., 3:] / 255
        canvas[y:y + gh, x:x + gw] = glyph[..., :3] * a + canvas[y:y + gh, x:x + gw] * (1 - a)
        mask = np.zeros((h, w), bool)
        mask[y:y + gh, x:x + gw] = glyph[..., 3] > 127
        _write(root, "animated", f"animated-test-{i:05d}", canvas, mask)
    return root


def test_boundary_f_score_on_known_masks():
    square = np.zeros((200, 200), bool)
    square[50:150, 50:150] = True
    assert boundary_f_score(square, square) == 1.0
    far = np.zeros_like(square)
    far[160:190, 160:190] = True
    assert boundary_f_score(far, square) == 0.0
    assert boundary_f_score(np.roll(square, 1, axis=1), square) > 0.95  # within the 2 px tolerance
    assert boundary_f_score(np.roll(square, 12, axis=1), square) < 0.6  # half the contour is off
    empty = np.zeros_like(square)
    assert boundary_f_score(empty, empty) == 1.0 and boundary_f_score(empty, square) == 0.0
    assert boundary_f_score(~empty, ~empty) == 1.0 and boundary_f_score(empty, ~empty) == 0.0


@pytest.fixture(scope="module")
def students(tmp_path_factory) -> Path:
    out, trainer = tmp_path_factory.mktemp("students"), tmp_path_factory.mktemp("trainer")
    shutil.copy(make_untrained_onnx(out / "raw", trainer, seed=11), out / "yolo_normal.onnx")
    shutil.copy(make_untrained_onnx(out / "raw", trainer, seed=11, detects=False), out / "yolo_animated.onnx")
    return out


def test_eval_students_end_to_end_through_the_cli(tmp_path, capsys, students):
    data = build_composites(tmp_path / "data")
    doc = tmp_path / "docs" / "model-card.md"
    rc = main(["eval", "--students", "--models", str(students), "--data", str(data), "--limit", "2",
               "--doc", str(doc), "--json"])
    out = capsys.readouterr().out.splitlines()
    assert rc == EXIT_OK and len(out) == 1, out
    rep = json.loads(out[0])

    for style in ("normal", "animated"):
        s = rep["styles"][style]
        assert s["n"] == 2
        for row in s["models"].values():
            assert 0.0 <= row["miou"] <= 1.0 and 0.0 <= row["boundary_f"] <= 1.0 and row["p50_ms"] > 0
        assert s["models"]["u2net"]["miou"] > 0.7, s  # the masks line up with their images
    blind = rep["styles"]["animated"]
    assert blind["models"]["student"]["miou"] == 0.0 and blind["student_empty"] == 2
    # Whatever the classifier routes to the blind student falls back to u2netp, exactly as the engine runs it.
    assert {i["auto"] for i in rep["images"]} <= {"yolo_normal", "u2netp"}
    fell_back = [i for i in rep["images"] if i["auto"] == "u2netp"]
    assert fell_back and all(i["iou"]["auto"] == i["iou"]["u2netp"] for i in fell_back)
    assert rep["styles"]["normal"]["student_empty"] == 0

    assert rep["photos"]["n"] == 2 and 0.0 <= rep["photos"]["miou_auto"] <= 1.0
    from trainer import realgt

    if realgt.load_items("eval"):  # the real-image judge of the photo student, for the bundling gate
        real = rep["real"]["normal"]
        assert real["n"] == 2 and set(real["engines"]) == {"u2net", "yolo_normal"}
    clf = rep["classifier"]
    committed = (Path(__file__).resolve().parents[2] / "tests" / "data" / "style_eval" / "labels.csv")
    assert clf["eval_sample"]["n"] == len(committed.read_text(encoding="utf-8").splitlines()) - 1
    assert clf["test_composites"]["n"] == 4
    assert sum(map(sum, clf["test_composites"]["confusion"]["matrix"])) == 4
    assert clf["latency"]["classify_p50_ms"] > 0
    assert set(rep["stages_p50_ms"]) >= {"load", "classify", "segment", "refine"}
    assert rep["sizes"]["yolo_normal"] == (students / "yolo_normal.onnx").stat().st_size
    assert {t["target"].split()[0] for t in rep["targets"]} >= {"yolo_normal", "yolo_animated", "classifier"}
    assert not next(t for t in rep["targets"] if t["target"].startswith("yolo_animated mIoU"))["pass"]

    card = doc.read_text(encoding="utf-8")
    assert "| Target | Measured | Result |" in card and "images/model-card-cutouts.png" in card
    assert f"{rep['styles']['normal']['models']['u2net']['miou']:.3f}" in card
    assert "{" not in card, "a placeholder was left unformatted"
    sheet = Image.open(doc.parent / "images" / "model-card-cutouts.png")
    assert sheet.width > 4 * 150 and sheet.height > 4 * 150  # 2 styles × 2 cases × 4 columns


def test_bad_inputs_are_one_sentence_errors(tmp_path, capsys, students):
    (tmp_path / "empty").mkdir()
    rc = main(["eval", "--models", str(students), "--data", str(tmp_path / "empty"), "--json"])
    err = json.loads(capsys.readouterr().out)
    assert rc == EXIT_FAILED and "holds no test composites" in err["error"]
    rc = main(["eval", "--models", str(tmp_path), "--data", str(tmp_path), "--json"])
    err = json.loads(capsys.readouterr().out)
    assert rc == EXIT_FAILED and "has no yolo_normal.onnx" in err["error"]
    data = build_composites(tmp_path / "data")
    rc = main(["eval", "--models", str(students), "--data", str(data), "--limit", "0", "--json"])
    assert rc == EXIT_FAILED and "at least 1" in json.loads(capsys.readouterr().out)["error"]


def test_a_checkpoint_is_exported_and_runs_through_the_engine(tmp_path):
    from trainer.offline import prepare_ultralytics

    prepare_ultralytics(tmp_path / "trainer")
    from ultralytics import YOLO

    pt = tmp_path / "student.pt"
    YOLO("yolov8n-seg.yaml").save(pt)
    onnx = export_checkpoint(pt, tmp_path / "work", imgsz=64)
    assert onnx.parent == tmp_path / "work" and not (tmp_path / "student.onnx").exists()
    assert not (tmp_path / "work" / "student.pt").exists()  # the temporary copy is gone
    again = export_checkpoint(pt, tmp_path / "again", imgsz=64)
    assert again.read_bytes() == onnx.read_bytes()  # same checkpoint, same bytes: a re-publish changes no sha256
    pipeline = harness_pipeline({"normal": onnx, "animated": onnx}, app_paths(tmp_path / "home"), tmp_path / "s")
    seg = pipeline.yolo("animated")
    assert seg.input_size == (64, 64)
    assert isinstance(seg.segment(np.zeros((50, 70, 3), np.uint8)), list)
    state = checkpoint_state(pt, tmp_path / "missing.csv")
    assert state["epochs_in_checkpoint"] == 0 and "epochs_done_in_run" not in state


def test_conf_tuning_equals_running_the_engine_at_each_threshold(tmp_path, students):
    """One low-threshold inference must give exactly what the app's segmenter gives at every threshold."""
    from stickerstudio_desktop.engine.yolo_seg import YoloSegmenter
    from trainer.evaluate import predicted_mask
    from trainer.polygons import mask_to_polygons, parse_yolo_label, polygons_to_mask, yolo_label
    from trainer.scoring import iou
    from trainer.students.data import StudentData
    from trainer.students.tune import tune_conf, val_items

    data = build_composites(tmp_path / "data")
    val_dir = tmp_path / "val-style"
    (val_dir / "images" / "val").mkdir(parents=True)
    (val_dir / "labels" / "val").mkdir(parents=True)
    pairs = [p for style in ("normal", "animated") for p in StudentData(style_dir(data, style), style).test_items()]
    for i, (image, mask) in enumerate(pairs):
        shutil.copy(image, val_dir / "images" / "val" / f"v{i}.jpg")
        truth = cv2.imread(str(mask), cv2.IMREAD_GRAYSCALE) > 127
        (val_dir / "labels" / "val" / f"v{i}.txt").write_text(yolo_label(mask_to_polygons(truth), truth.shape))
    items = val_items(val_dir)
    assert len(items) == 4

    pipeline = harness_pipeline({"normal": students / "yolo_normal.onnx"}, app_paths(tmp_path / "home"), tmp_path / "s")
    seg = pipeline.yolo("normal")
    rgbs = [np.asarray(Image.open(image).convert("RGB")) for image, _ in items]
    scores = sorted({round(i.score, 3) for rgb in rgbs for i in YoloSegmenter(seg.spec, seg.session, conf=0.01)
                     .segment(rgb)})
    assert len(scores) >= 3
    candidates = (0.01, scores[len(scores) // 2], 1.01)  # all, some, none kept
    best, means = tune_conf(seg, items, candidates)
    for c in candidates:
        at_c = YoloSegmenter(seg.spec, seg.session, conf=c, iou=seg.iou)
        ious = []
        for rgb, (_, label) in zip(rgbs, items):
            truth = polygons_to_mask(parse_yolo_label(label.read_text(), rgb.shape[:2]), rgb.shape[:2]) > 0
            ious.append(iou(predicted_mask(at_c, rgb), truth))
        assert means[c] == round(float(np.mean(ious)), 4), c
    assert means[best] == max(means.values())
    assert len(set(means.values())) > 1, means  # the thresholds really change the answer on this model

    pipeline = harness_pipeline({"normal": students / "yolo_normal.onnx"}, app_paths(tmp_path / "home"),
                                tmp_path / "s2", {"normal": best})
    assert pipeline.yolo("normal").conf == best


def test_checkpoint_options_name_one_per_style_or_both(tmp_path):
    from trainer.students.checkpoints import parse_checkpoints, run_csv

    assert parse_checkpoints(None) is None
    assert parse_checkpoints(["a.pt"]) == {"normal": Path("a.pt"), "animated": Path("a.pt")}
    assert parse_checkpoints(["animated=b.pt", "a.pt"]) == {"animated": Path("b.pt"), "normal": Path("a.pt")}
    with pytest.raises(ConfigError, match="must be one of normal, animated"):
        parse_checkpoints(["cartoon=b.pt"])
    assert run_csv(Path("x/student_animated_best.pt"), tmp_path) == tmp_path / "special-animated/train/results.csv"
    assert run_csv(Path("x/student_best.pt"), tmp_path) == tmp_path / "finish/train/results.csv"


def test_a_missing_checkpoint_is_one_clear_sentence(tmp_path, capsys):
    data = build_composites(tmp_path / "data")
    rc = main(["eval", "--checkpoint", f"normal={tmp_path / 'nope.pt'}", "--data", str(data), "--json"])
    err = json.loads(capsys.readouterr().out)
    assert rc == EXIT_FAILED and err["error"] == f"The checkpoint {tmp_path / 'nope.pt'} does not exist."


def test_a_results_csv_counts_only_for_the_run_that_wrote_the_checkpoint():
    """The committed animated student was trained on a GPU: the local CPU run's CSV must not describe it."""
    ckpts = ROOT / "trainer" / "checkpoints"
    own = checkpoint_state(ckpts / "student_animated_best.pt", ckpts / "history" / "animated-h200.csv")
    assert own["epochs_done_in_run"] == 46 and own["epochs_in_checkpoint"] >= 1
    other = checkpoint_state(ckpts / "student_animated_best.pt", ckpts / "history" / "normal-v4-h200.csv")
    assert "epochs_done_in_run" not in other and other["epochs_in_checkpoint"] == own["epochs_in_checkpoint"]
