"""Subject outlines for the preview: polygons in 0..1 image coordinates.

Display geometry only (the engine's masks are not changed): each instance's
mask is traced once per analysis, on a worker thread, at a small size, so
painting and click hit-tests stay cheap on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Masks are traced at this longest side; plenty for an on-screen outline.
TRACE_SIDE = 384
#: Polygons smaller than this share of the image are specks, not outlines.
MIN_AREA_SHARE = 0.0005


@dataclass(frozen=True)
class SubjectOutline:
    index: int
    label: str  # e.g. "person 92%"
    polygons: tuple[np.ndarray, ...]  # each N×2 float32, x and y in 0..1
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in 0..1
    area: float  # share of the image


def subject_outlines(instances, shape: tuple[int, int]) -> list[SubjectOutline]:
    """Trace each instance's mask (at >= 0.5) into simplified polygons."""
    h, w = shape
    scale = min(1.0, TRACE_SIDE / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    norm = np.array([size[0], size[1]], np.float32)
    out = []
    for i, inst in enumerate(instances):
        mask = inst.mask if scale == 1.0 else cv2.resize(inst.mask, size, interpolation=cv2.INTER_AREA)
        binary = (mask >= 0.5).astype(np.uint8)
        contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        min_area = MIN_AREA_SHARE * size[0] * size[1]
        polys = tuple((cv2.approxPolyDP(c, 1.0, True).reshape(-1, 2).astype(np.float32) / norm)
                      for c in contours if cv2.contourArea(c) >= min_area and len(c) >= 3)
        x1, y1, x2, y2 = inst.box
        name = inst.class_name or "subject"
        out.append(SubjectOutline(
            index=i, label=name if name == "subject" else f"{name} {inst.score * 100:.0f}%",
            polygons=polys, box=(x1 / w, y1 / h, x2 / w, y2 / h),
            area=float(binary.mean())))
    return out
