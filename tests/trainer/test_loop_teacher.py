"""Teacher labels: mask → YOLO polygons (holes, several subjects), confidence filtering, teacher choice."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image
from test_loop_support import PHOTOS

from stickerstudio_desktop.config.paths import app_paths
from stickerstudio_desktop.errors import ConfigError
from trainer.models import trainer_pipeline
from trainer.polygons import mask_to_polygons, parse_yolo_label, polygons_to_mask, yolo_label
from trainer.teacher import TeacherError, choose_teacher, detectron2_available, label_from_saliency


def _iou(a, b):
    return (np.logical_and(a, b).sum()) / max(1, np.logical_or(a, b).sum())


def ring_and_box(shape=(240, 320)):
    m = np.zeros(shape, np.uint8)
    cv2.circle(m, (110, 120), 90, 1, -1)
    cv2.circle(m, (110, 120), 35, 0, -1)  # a hole
    cv2.circle(m, (70, 80), 12, 0, -1)  # a second hole
    cv2.rectangle(m, (240, 30), (300, 200), 1, -1)  # a second subject
    return m


def test_holes_survive_the_round_trip_through_a_yolo_label():
    mask = ring_and_box()
    polys = mask_to_polygons(mask)
    assert len(polys) == 2  # one polygon per subject, holes stitched in
    text = yolo_label(polys, mask.shape)
    assert text.count("\n") == 2 and all(line.startswith("0 ") for line in text.splitlines())
    back = polygons_to_mask(parse_yolo_label(text, mask.shape), mask.shape)
    assert _iou(back, mask) > 0.97
    assert back[120, 110] == 0 and back[80, 70] == 0  # hole centres stay empty
    coords = np.array([float(v) for v in text.split()[1:]])
    assert coords.min() >= 0 and coords.max() <= 1


def test_tiny_specks_and_empty_masks_give_no_polygons():
    m = np.zeros((100, 100), np.uint8)
    assert mask_to_polygons(m) == []
    m[10:12, 10:12] = 1
    assert mask_to_polygons(m, min_area=16) == []


def test_overlapping_instances_do_not_cancel_when_rasterised():
    a = np.array([[10, 10], [60, 10], [60, 60], [10, 60]], float)
    b = a + 20
    m = polygons_to_mask([a, b], (100, 100))
    assert m[40, 40] == 1  # inside both


def test_confident_components_become_labels_and_weak_ones_are_dropped():
    sal = np.zeros((200, 200), np.float32)
    sal[20:90, 20:90] = 0.98  # confident subject
    sal[120:180, 120:180] = 0.97  # second confident subject
    sal[20:40, 150:190] = 0.55  # above threshold but weak: dropped
    label = label_from_saliency(sal, threshold=0.5, min_confidence=0.6, min_area=0.005)
    assert len(label.polygons) == 2 and all(s > 0.9 for s in label.scores)
    assert label.mask[50, 50] and label.mask[150, 150] and not label.mask[30, 170]


def test_an_ambiguous_or_empty_map_is_refused():
    with pytest.raises(TeacherError, match="no subject"):
        label_from_saliency(np.zeros((50, 50), np.float32))
    fuzzy = np.full((50, 50), 0.55, np.float32)
    with pytest.raises(TeacherError, match="unsure"):
        label_from_saliency(fuzzy)


def test_u2net_teacher_labels_a_real_photo(tmp_path):
    pipeline = trainer_pipeline(app_paths(tmp_path), 64)
    teacher, note = choose_teacher("u2netp", pipeline, trainer_dir=tmp_path, threshold=0.5, min_confidence=0.6,
                                   min_area=0.005)
    rgb = np.asarray(Image.open(PHOTOS[0]).convert("RGB"))
    label = teacher.label(rgb)
    assert teacher.name == "u2netp" and note == "Teacher: u2netp."
    assert label.polygons and label.mask.shape == rgb.shape[:2]
    sal = pipeline.salient("u2netp").saliency(rgb) >= 0.5
    assert _iou(label.mask > 0, sal) > 0.9  # the label is the teacher's own view


@pytest.mark.skipif(detectron2_available(), reason="detectron2 is installed here")
def test_without_detectron2_the_choice_says_so(tmp_path):
    pipeline = trainer_pipeline(app_paths(tmp_path), 64)
    teacher, note = choose_teacher("auto", pipeline, trainer_dir=tmp_path, threshold=0.5, min_confidence=0.6,
                                   min_area=0.005)
    assert teacher.name == "u2net" and "detectron2 is not installed" in note
    with pytest.raises(ConfigError, match="detectron2 is not installed"):
        choose_teacher("detectron2", pipeline, trainer_dir=tmp_path, threshold=0.5, min_confidence=0.6,
                       min_area=0.005)
