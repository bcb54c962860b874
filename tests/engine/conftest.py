"""A real YOLOv8n-seg ONNX export, built offline from yolov8n-seg.yaml once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT


def export_yolo_seg(out_dir: Path, *, nc: int, imgsz: int) -> Path:
    """Export an (untrained) YOLOv8n-seg with *nc* classes to ONNX, offline."""
    cfg = out_dir / "ultralytics-config"
    (cfg / "Ultralytics").mkdir(parents=True, exist_ok=True)
    font = ROOT / "fonts" / "NotoSans-Bold.ttf"
    (cfg / "Ultralytics" / "Arial.ttf").write_bytes(font.read_bytes())
    os.environ["YOLO_CONFIG_DIR"] = str(cfg)
    pytest.importorskip("torch")
    import torch
    from ultralytics import YOLO

    torch.manual_seed(0)
    model = YOLO("yolov8n-seg.yaml")
    from ultralytics.nn.tasks import SegmentationModel

    fresh = SegmentationModel("yolov8n-seg.yaml", nc=nc, verbose=False)
    fresh.args, fresh.task = model.model.args, "segment"
    fresh.names = {i: f"class{i}" for i in range(nc)}
    # A fresh head scores every anchor alike; spread the class logits so that
    # confidence filtering and NMS have something to decide.
    with torch.no_grad():
        for branch in fresh.model[-1].cv3:
            branch[-1].weight.normal_(0, 0.02)
            branch[-1].bias.normal_(-1, 0.2)
        # Calibrate batch-norm statistics on one batch so features are not flat.
        for m in fresh.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.momentum = 1.0
        fresh.train()
        fresh(torch.rand(4, 3, imgsz, imgsz))
        fresh.eval()
    model.model = fresh
    cwd = os.getcwd()
    os.chdir(out_dir)  # ultralytics writes the export beside the "model file", i.e. the cwd
    try:
        path = model.export(format="onnx", imgsz=imgsz, simplify=False, dynamic=False, verbose=False)
    finally:
        os.chdir(cwd)
    return out_dir / Path(path).name


@pytest.fixture(scope="session")
def yolo_onnx(tmp_path_factory) -> Path:
    return export_yolo_seg(tmp_path_factory.mktemp("yolo"), nc=3, imgsz=160)
