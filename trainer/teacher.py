"""Teachers: turn an image into YOLO polygons the student learns from.

U²-Net (full) from the app's own engine is the default: saliency → confident
connected components → polygons with holes. A Detectron2 Mask R-CNN teacher
is used when ``detectron2`` is importable (it is not on PyPI: users build it
from source and put model-zoo weights in the trainer dir). Both go through
``polygons``, so the label format is the same whichever taught.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from stickerstudio_desktop.errors import ConfigError, StickerStudioError

from .polygons import mask_to_polygons, polygons_to_mask

#: Saliency between these is "unsure"; too much of it inside the subject means a bad label.
UNSURE = (0.25, 0.75)
MAX_UNSURE_SHARE = 0.35


class TeacherError(StickerStudioError):
    """The teacher could not produce a trustworthy label for one image (the item is skipped)."""


@dataclass
class Label:
    polygons: list[np.ndarray]  # pixel coordinates at the image's size
    scores: list[float]
    mask: np.ndarray = field(repr=False)  # uint8 union of the polygons as the student will see them


class Teacher(Protocol):
    name: str

    def label(self, rgb: np.ndarray) -> Label: ...


def detectron2_available() -> bool:
    return importlib.util.find_spec("detectron2") is not None


def _finish(shape: tuple[int, ...], masks: list[np.ndarray], scores: list[float], min_area_px: float) -> Label:
    polys, kept = [], []
    for m, s in zip(masks, scores, strict=True):
        found = mask_to_polygons(m, min_area=min_area_px)
        polys += found
        kept += [s] * len(found)
    if not polys:
        raise TeacherError("The teacher found no confident subject.")
    return Label(polygons=polys, scores=kept, mask=polygons_to_mask(polys, tuple(shape[:2])))


class SalientTeacher:
    """U²-Net / U²-Netp through the engine's ``SalientSegmenter``."""

    def __init__(self, segmenter, *, threshold: float = 0.5, min_confidence: float = 0.6,
                 min_area: float = 0.005) -> None:
        self.segmenter = segmenter
        self.name = segmenter.name
        self.threshold = threshold
        self.min_confidence = min_confidence
        self.min_area = min_area

    def label(self, rgb: np.ndarray) -> Label:
        return label_from_saliency(self.segmenter.saliency(rgb), threshold=self.threshold,
                                   min_confidence=self.min_confidence, min_area=self.min_area)


def label_from_saliency(sal: np.ndarray, *, threshold: float = 0.5, min_confidence: float = 0.6,
                        min_area: float = 0.005) -> Label:
    """Confident components of a saliency map as polygons; TeacherError when none is trustworthy."""
    fg = sal >= threshold
    if not fg.any():
        raise TeacherError("The teacher found no subject.")
    unsure = ((sal > UNSURE[0]) & (sal < UNSURE[1])).sum() / max(1, int(fg.sum()))
    if unsure > MAX_UNSURE_SHARE:
        raise TeacherError(f"The teacher is unsure about this image ({unsure:.0%} of the subject is ambiguous).")
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg.astype(np.uint8), connectivity=8)
    min_px = min_area * sal.size
    areas = stats[1:, cv2.CC_STAT_AREA]
    means = np.bincount(labels.ravel(), weights=sal.ravel(), minlength=n)[1:] / np.maximum(areas, 1)
    masks, scores = [], []
    for comp in np.argsort(-areas):
        if areas[comp] >= min_px and means[comp] >= min_confidence:
            masks.append(labels == comp + 1)
            scores.append(float(means[comp]))
    return _finish(sal.shape, masks, scores, min_px)


class Detectron2Teacher:
    """Mask R-CNN instances above *min_confidence*; needs detectron2 and local weights."""

    CONFIG = "COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_3x.yaml"

    def __init__(self, weights: Path, *, min_confidence: float = 0.6, min_area: float = 0.005,
                 device: str = "cpu") -> None:
        from detectron2 import model_zoo  # type: ignore[import-not-found]
        from detectron2.config import get_cfg  # type: ignore[import-not-found]
        from detectron2.engine import DefaultPredictor  # type: ignore[import-not-found]

        cfg = get_cfg()
        cfg.merge_from_file(model_zoo.get_config_file(self.CONFIG))
        cfg.MODEL.WEIGHTS = str(weights)
        cfg.MODEL.ROI_HEADS.SCORE_THRESH_TEST = min_confidence
        cfg.MODEL.DEVICE = device
        self.predictor = DefaultPredictor(cfg)
        self.name = "detectron2-mask_rcnn_R_50_FPN_3x"
        self.min_area = min_area

    def label(self, rgb: np.ndarray) -> Label:
        out = self.predictor(np.ascontiguousarray(rgb[..., ::-1]))["instances"].to("cpu")
        masks = [m.numpy() for m in out.pred_masks]
        scores = [float(s) for s in out.scores]
        return _finish(rgb.shape, masks, scores, self.min_area * rgb.shape[0] * rgb.shape[1])


def choose_teacher(choice: str, pipeline, *, trainer_dir: Path, threshold: float, min_confidence: float,
                   min_area: float) -> tuple[Teacher, str]:
    """(teacher, note): *note* says in one sentence which teacher was chosen and why."""
    weights = Path(trainer_dir) / "detectron2" / "model_final.pkl"
    if choice in ("auto", "detectron2") and detectron2_available():
        if weights.is_file():
            return (Detectron2Teacher(weights, min_confidence=min_confidence, min_area=min_area),
                    "Teacher: Detectron2 Mask R-CNN.")
        if choice == "detectron2":
            raise ConfigError("Detectron2 is installed but its weights are missing; "
                              f"put model_final.pkl in {weights.parent}.")
    if choice == "detectron2":
        raise ConfigError("The Detectron2 teacher was chosen but detectron2 is not installed "
                          "(it is not on PyPI; build it from source), so choose teacher u2net instead.")
    name = "u2net" if choice == "auto" else choice
    why = ("Teacher: U²-Net (full); detectron2 is not installed, so the Mask R-CNN teacher is not used."
           if choice == "auto" and not detectron2_available() else f"Teacher: {name}.")
    teacher = SalientTeacher(pipeline.salient(name), threshold=threshold, min_confidence=min_confidence,
                             min_area=min_area)
    return teacher, why
