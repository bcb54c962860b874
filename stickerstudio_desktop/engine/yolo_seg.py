"""YOLOv8-seg post-processing for ultralytics ONNX exports.

``output0`` is [1, 4 + nc + 32, A] (cx, cy, w, h, class scores, mask
coefficients); ``output1`` is [1, 32, H/4, W/4] prototypes. Works for any
class count and input size; vectorised except the per-box NMS loop.
"""

from __future__ import annotations

import cv2
import numpy as np

from .manifest import ModelSpec
from .preprocess import letterbox
from .types import Instance


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> np.ndarray:
    """Greedy NMS on xyxy boxes; returns kept indices, best first."""
    order = np.argsort(-scores)
    areas = (boxes[:, 2] - boxes[:, 0]).clip(0) * (boxes[:, 3] - boxes[:, 1]).clip(0)
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        xx1 = np.maximum(boxes[i, 0], boxes[rest, 0])
        yy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[rest, 2])
        yy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = (xx2 - xx1).clip(0) * (yy2 - yy1).clip(0)
        overlap = inter / (areas[i] + areas[rest] - inter + 1e-9)
        order = rest[overlap <= iou]
    return np.asarray(keep, dtype=np.int64)


#: A mask may reach past its box by this share of the box's size on each side: a box predicted
#: too tight must not cut the top of the hair along a straight line (the box is the detector's
#: guess, the mask is the segmentation). Chosen on held-out composites (docs/model-card.md).
BOX_MARGIN = 0.1


def postprocess(output0: np.ndarray, output1: np.ndarray, *, input_size: tuple[int, int],
                orig_size: tuple[int, int], gain: float, pad: tuple[int, int],
                class_names: tuple[str, ...] = (), conf: float = 0.25, iou: float = 0.45,
                max_det: int = 20, box_margin: float = BOX_MARGIN) -> list[Instance]:
    """Decode raw outputs into instances at the original image's resolution.

    *input_size* and *orig_size* are (h, w); *gain* and *pad* come from letterbox.
    """
    pred = output0[0].T  # A × (4 + nc + nm)
    protos = output1[0]
    nm, mh, mw = protos.shape
    nc = pred.shape[1] - 4 - nm
    if nc < 1:
        raise ValueError(f"output0 has {pred.shape[1]} channels, too few for 4 + classes + {nm} mask coefficients")
    cls_scores = pred[:, 4:4 + nc]
    class_ids = cls_scores.argmax(1)
    scores = cls_scores[np.arange(len(pred)), class_ids]
    sel = scores > conf
    if not sel.any():
        return []
    pred, scores, class_ids = pred[sel], scores[sel], class_ids[sel]
    cx, cy, w, h = pred[:, 0], pred[:, 1], pred[:, 2], pred[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)
    # Class-aware NMS: offset boxes per class so classes never suppress each other.
    span = float(boxes.max() - boxes.min()) + 1.0
    offset = class_ids[:, None].astype(np.float32) * span
    keep = nms(boxes + offset, scores, iou)[:max_det]
    boxes, scores, class_ids, coefs = boxes[keep], scores[keep], class_ids[keep], pred[keep, 4 + nc:]

    logits = (coefs @ protos.reshape(nm, -1)).reshape(-1, mh, mw)
    oh, ow = orig_size
    ih, iw = input_size
    # Input space → original space.
    px, py = pad
    boxes_orig = (boxes - np.array([px, py, px, py], np.float32)) / gain
    boxes_orig[:, [0, 2]] = boxes_orig[:, [0, 2]].clip(0, ow)
    boxes_orig[:, [1, 3]] = boxes_orig[:, [1, 3]].clip(0, oh)

    instances = []
    r = mw / iw  # proto pixels per input pixel (1/4)
    s = gain * r  # proto pixels per original pixel
    for k in range(len(keep)):
        x1, y1, x2, y2 = boxes_orig[k]
        mx, my = box_margin * (x2 - x1), box_margin * (y2 - y1)
        ix1, iy1 = max(0, int(np.floor(x1 - mx))), max(0, int(np.floor(y1 - my)))
        ix2, iy2 = min(ow, int(np.ceil(x2 + mx))), min(oh, int(np.ceil(y2 + my)))
        if ix2 <= ix1 or iy2 <= iy1:
            continue
        # Sample logits for exactly the box's original pixels (pixel centres).
        m = np.array([[s, 0, s * (ix1 + 0.5) + px * r - 0.5],
                      [0, s, s * (iy1 + 0.5) + py * r - 0.5]], np.float32)
        crop = cv2.warpAffine(logits[k], m, (ix2 - ix1, iy2 - iy1),
                              flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
        mask = np.zeros((oh, ow), np.float32)
        mask[iy1:iy2, ix1:ix2] = 1.0 / (1.0 + np.exp(-np.clip(crop, -40.0, 40.0)))
        cid = int(class_ids[k])
        name = class_names[cid] if cid < len(class_names) else str(cid)
        instances.append(Instance(box=(float(x1), float(y1), float(x2), float(y2)),
                                  score=float(scores[k]), class_id=cid, class_name=name, mask=mask))
    return instances


class YoloSegmenter:
    def __init__(self, spec: ModelSpec, session, conf: float | None = None, iou: float | None = None) -> None:
        self.spec = spec
        self.session = session
        # Thresholds tuned per model live in the manifest beside its metrics.
        self.conf = float(spec.extra.get("conf", 0.25) if conf is None else conf)
        self.iou = float(spec.extra.get("iou", 0.45) if iou is None else iou)
        inp = session.get_inputs()[0]
        self._input = inp.name
        shape = inp.shape
        static = all(isinstance(d, int) for d in shape[2:])
        self.input_size: tuple[int, int] = (shape[2], shape[3]) if static else spec.input.size

    @property
    def name(self) -> str:
        return self.spec.name

    def segment(self, rgb: np.ndarray) -> list[Instance]:
        img, gain, pad = letterbox(rgb, self.input_size)
        x = np.ascontiguousarray(img.transpose(2, 0, 1)[None], dtype=np.float32) / 255.0
        out0, out1 = self.session.run(None, {self._input: x})[:2]
        return postprocess(out0, out1, input_size=self.input_size, orig_size=rgb.shape[:2], gain=gain,
                           pad=pad, class_names=self.spec.class_names, conf=self.conf, iou=self.iou)
