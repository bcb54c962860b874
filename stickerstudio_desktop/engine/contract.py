"""Does an ONNX file do what its manifest entry promises?

Used by ``stickerstudio models``, the bundle's ``--selftest`` and the
trainer before it promotes a model: shapes are checked on a real smoke
inference, not read from metadata alone.
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError
from .manifest import ModelSpec


def _input_hw(spec: ModelSpec, session) -> tuple[int, int]:
    shape = session.get_inputs()[0].shape
    if len(shape) != 4 or shape[1] not in (3, "3"):
        raise ModelError(f"{spec.name}: the input must be N×3×H×W, the file says {shape}.")
    if all(isinstance(d, int) for d in shape[2:]):
        if spec.kind != "yolo-seg" and tuple(shape[2:]) != spec.input.size:
            raise ModelError(f"{spec.name}: the file takes {shape[2]}×{shape[3]} but the manifest says "
                             f"{spec.input.size[0]}×{spec.input.size[1]}.")
        return int(shape[2]), int(shape[3])
    return spec.input.size


def check_contract(spec: ModelSpec, session) -> dict[str, list[int]]:
    """Run one inference on noise and check output shapes; returns them."""
    h, w = _input_hw(spec, session)
    x = np.random.default_rng(0).random((1, 3, h, w), dtype=np.float32)
    try:
        outputs = session.run(None, {session.get_inputs()[0].name: x})
    except Exception as exc:  # onnxruntime's error types are not public API
        raise ModelError(f"{spec.name}: a test inference failed ({type(exc).__name__}).") from None
    shapes = {o.name: list(v.shape) for o, v in zip(session.get_outputs(), outputs)}
    first = outputs[0]
    if not all(np.isfinite(v).all() for v in outputs):
        raise ModelError(f"{spec.name}: the test inference produced NaN or infinite values.")
    if spec.kind == "salient":
        if first.ndim != 4 or first.shape[:2] != (1, 1):
            raise ModelError(f"{spec.name}: a salient model must output 1×1×H×W, not {list(first.shape)}.")
    elif spec.kind == "classifier":
        if first.shape != (1, len(spec.class_names)):
            raise ModelError(f"{spec.name}: expected logits 1×{len(spec.class_names)}, got {list(first.shape)}.")
    elif spec.kind == "yolo-seg":
        if len(outputs) < 2:
            raise ModelError(f"{spec.name}: a YOLO-seg model needs output0 and output1.")
        protos = outputs[1]
        nc = first.shape[1] - 4 - protos.shape[1] if first.ndim == 3 and protos.ndim == 4 else -1
        if nc < 1 or protos.shape[2:] != (h // 4, w // 4):
            raise ModelError(f"{spec.name}: outputs {shapes} are not a YOLOv8-seg export for {h}×{w} input.")
        if spec.class_names and nc != len(spec.class_names):
            raise ModelError(f"{spec.name}: the file has {nc} classes, the manifest names {len(spec.class_names)}.")
    return shapes
