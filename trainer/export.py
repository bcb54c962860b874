"""Export a checkpoint to ONNX and prove the file is what the app can run."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from stickerstudio_desktop.engine.stored_weights import TRAINED, compact_onnx

from .offline import prepare_ultralytics


def export_onnx(checkpoint: Path, imgsz: int, out: Path, trainer_dir: Path) -> Path:
    """Static-shape ONNX of *checkpoint* at *imgsz*, its weights stored as shipped, written to *out*."""
    prepare_ultralytics(trainer_dir)
    from ultralytics import YOLO

    model = YOLO(str(checkpoint), task="segment")
    saved = model.ckpt.get("date") if isinstance(model.ckpt, dict) else None
    produced = Path(model.export(format="onnx", imgsz=imgsz, dynamic=False, simplify=False, verbose=False))
    if saved:
        _stamp_date(produced, str(saved))
    out.parent.mkdir(parents=True, exist_ok=True)
    compact_onnx(produced, produced, TRAINED)
    shutil.move(str(produced), out)
    return out


def _stamp_date(path: Path, date: str) -> None:
    """Replace the export time in the ONNX metadata by the checkpoint's own save time.

    The same checkpoint then always exports to the same bytes, so re-evaluating a
    bundled student does not give it a new sha256 (and git a new 13 MB blob).
    """
    import onnx

    model = onnx.load(str(path))
    for prop in model.metadata_props:
        if prop.key == "date":
            prop.value = date
    onnx.save(model, str(path))


def verify_onnx(path: Path, pipeline, name: str, samples: list[np.ndarray]) -> dict:
    """Loads, meets the app's YOLO-seg output contract, and segments real images: ModelError otherwise."""
    from stickerstudio_desktop.engine.contract import check_contract

    from .models import segmenter

    seg = segmenter(pipeline, name, path)  # loads through the app's SessionPool
    shapes = check_contract(pipeline.manifest.get(name), seg.session)
    found = sum(len(seg.segment(rgb)) for rgb in samples)
    return {"input": [int(d) for d in seg.session.get_inputs()[0].shape], **shapes,
            "smoke_images": len(samples), "smoke_instances": found}
