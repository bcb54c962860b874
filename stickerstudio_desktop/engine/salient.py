"""U²-Net family salient-object segmenter.

Teacher for the trainer, the "high quality" engine, and the fallback when a
YOLO student finds nothing. Saliency is split into connected components so
the pipeline can choose among several subjects like it does for YOLO.
"""

from __future__ import annotations

import cv2
import numpy as np

from .manifest import ModelSpec
from .preprocess import to_tensor
from .types import Instance

#: Components smaller than this share of the largest one are noise.
MIN_COMPONENT_SHARE = 0.02


class SalientSegmenter:
    def __init__(self, spec: ModelSpec, session) -> None:
        self.spec = spec
        self.session = session
        self._input = session.get_inputs()[0].name

    @property
    def name(self) -> str:
        return self.spec.name

    def saliency(self, rgb: np.ndarray) -> np.ndarray:
        """Saliency in [0, 1] at the image's own size (float32 H×W)."""
        out = self.session.run(None, {self._input: to_tensor(rgb, self.spec.input)})[0]
        pred = out.reshape(out.shape[-2:]).astype(np.float32)
        lo, hi = float(pred.min()), float(pred.max())
        pred = (pred - lo) / (hi - lo) if hi - lo > 1e-6 else np.zeros_like(pred)
        h, w = rgb.shape[:2]
        return np.clip(cv2.resize(pred, (w, h), interpolation=cv2.INTER_LINEAR), 0.0, 1.0)

    def segment(self, rgb: np.ndarray, threshold: float = 0.5) -> list[Instance]:
        return instances_from_saliency(self.saliency(rgb), threshold)


def instances_from_saliency(sal: np.ndarray, threshold: float = 0.5) -> list[Instance]:
    """Connected components of the thresholded map, largest first, each with its soft mask."""
    binary = (sal >= threshold).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return []
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = [i + 1 for i in np.argsort(-areas) if areas[i] >= MIN_COMPONENT_SHARE * areas.max()]
    # Soft edges belong to the nearest component: grow each label a few pixels.
    grow = max(3, round(0.01 * max(sal.shape)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    out = []
    for label in keep:
        x, y, w, h, _ = stats[label]
        # Specks below MIN_COMPONENT_SHARE are dropped; the grown region keeps the soft edge.
        region = cv2.dilate((labels == label).astype(np.uint8), kernel) > 0
        mask = np.where(region, sal, 0.0).astype(np.float32)
        score = float(sal[labels == label].mean())
        out.append(Instance(box=(float(x), float(y), float(x + w), float(y + h)), score=score,
                            class_id=0, class_name="subject", mask=mask))
    return out
