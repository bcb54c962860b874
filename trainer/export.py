"""Export a checkpoint to ONNX and prove the file is what the app can run."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from stickerstudio_desktop.errors import ModelError

from .offline import prepare_ultralytics

MASK_COEFFICIENTS = 32


def export_onnx(checkpoint: Path, imgsz: int, out: Path, trainer_dir: Path) -> Path:
    """Static-shape ONNX of *checkpoint* at *imgsz*, written to *out*."""
    prepare_ultralytics(trainer_dir)
    from ultralytics import YOLO

    produced = Path(YOLO(str(checkpoint), task="segment").export(
        format="onnx", imgsz=imgsz, dynamic=False, simplify=False, verbose=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(produced), out)
    return out


def verify_onnx(path: Path, pipeline, name: str, samples: list[np.ndarray]) -> dict:
    """Loads, meets the YOLO-seg output contract, and segments real images: ModelError otherwise."""
    from .models import segmenter

    spec = pipeline.manifest.get(name)
    seg = segmenter(pipeline, name, path)  # loads through the app's SessionPool
    session = seg.session
    inp = session.get_inputs()[0]
    outs = session.get_outputs()
    nc = len(spec.class_names)
    if len(inp.shape) != 4 or inp.shape[1] != 3:
        raise ModelError(f"{path.name} takes input {inp.shape}, not a 3-channel image batch.")
    if len(outs) < 2:
        raise ModelError(f"{path.name} has {len(outs)} output(s); a YOLO-seg model has detections and prototypes.")
    h, w = seg.input_size
    x = np.random.default_rng(0).random((1, 3, h, w), dtype=np.float32)
    out0, out1 = session.run(None, {inp.name: x})[:2]
    if out0.ndim != 3 or out0.shape[1] != 4 + nc + MASK_COEFFICIENTS:
        raise ModelError(f"{path.name} output0 has shape {out0.shape}; expected [1, {4 + nc + MASK_COEFFICIENTS}, anchors].")
    if out1.ndim != 4 or out1.shape[1] != MASK_COEFFICIENTS:
        raise ModelError(f"{path.name} output1 has shape {out1.shape}; expected [1, {MASK_COEFFICIENTS}, h, w].")
    if not (np.isfinite(out0).all() and np.isfinite(out1).all()):
        raise ModelError(f"{path.name} produces non-finite values.")
    found = sum(len(seg.segment(rgb)) for rgb in samples)
    return {"input": [int(d) for d in inp.shape], "output0": list(out0.shape), "output1": list(out1.shape),
            "smoke_images": len(samples), "smoke_instances": found}
