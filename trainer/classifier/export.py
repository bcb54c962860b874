"""Export backbone + head to one ONNX file the engine runs unchanged."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch

from torch import nn

from .model import CONTRACT

OPSET = 17


def export_onnx(model: nn.Module, target: Path, output: str = "logits") -> Path:
    """Fixed 1×3×H×W float32 input "input"; one output (the style net's is "logits" [1, 2])."""
    h, w = CONTRACT.size
    model = model.eval()
    dummy = torch.zeros(1, 3, h, w)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".onnx.part")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (dummy,), str(tmp), input_names=["input"], output_names=[output],
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
    import onnx

    proto = onnx.load(str(tmp))
    onnx.checker.check_model(proto)
    proto.producer_name = "stickerstudio-trainer"
    proto.doc_string = "Sticker Studio style classifier: EfficientNet-Lite0 (ImageNet) + linear head"
    onnx.save(proto, str(tmp))
    tmp.replace(target)
    return target


def max_difference(model: nn.Module, onnx_path: Path, x: np.ndarray) -> float:
    """Largest |torch - onnxruntime| logit difference on the batch *x* (N×3×H×W)."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    with torch.inference_mode():
        ref = model(torch.from_numpy(x)).numpy()
    got = np.concatenate([sess.run(None, {"input": x[i:i + 1]})[0] for i in range(len(x))])
    return float(np.abs(ref - got).max())
