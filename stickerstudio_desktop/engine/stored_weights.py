"""Model files keep their large weights small: int8 (one scale per output channel) or float16.

A stored weight is followed in the graph by ``Cast`` (and, for int8, ``Mul`` by its scale) back
to float32. ONNX Runtime folds those constant nodes when a session starts, so inference runs the
same float32 graph with rounded weights, at the same speed; the file is about 4× (int8) or 2×
(float16) smaller. U²-Net goes from 176 MB to 44 MB. Which model is stored how is each manifest
entry's ``weights``; the effect on cut-outs is measured by ``benchmarks/bench_stored_weights.py``.

Needs the ``onnx`` package (set-up and training only; the packaged app never converts).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Weights with fewer values than this stay float32 (biases, norms: tiny, and sensitive).
MIN_VALUES = 1024
#: A weight whose int8 rounding moves it by more than this share of its norm is kept as float16
#: instead: a few of U²-Net's layers (up to 11 %) would otherwise change a cut-out by 0.14 IoU.
MAX_INT8_ERROR = 0.02
#: Marks a converted graph, so converting twice is a no-op and readers can tell.
MARK = "stickerstudio.weights"
INT8, FLOAT16 = "int8", "float16"
STORAGES = (INT8, FLOAT16)
#: A model file as it was exported or fetched, not converted.
FLOAT32 = "float32"
#: How the trainer stores what it exports (students and classifier), chosen by
#: bench_stored_weights: at int8 the drawn student lost one held-out illustration (IoU −0.39,
#: a detection that fell under its threshold) and the classifier's scores moved by up to 0.12;
#: at float16 neither changed. Third-party models name theirs in the manifest.
TRAINED = FLOAT16
_Q, _S, _F, _H = "__int8", "__scale", "__f32", "__f16"


def compact_onnx(src: Path, dst: Path, storage: str = INT8) -> int:
    """Write *src* with its large weights stored as *storage* to *dst*; returns how many were converted."""
    if storage not in STORAGES:
        raise ValueError(f"storage must be one of {', '.join(STORAGES)}, not {storage!r}.")
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    if any(p.key == MARK for p in model.metadata_props):
        onnx.save(model, str(dst))
        return 0
    kept, added, nodes = [], [], []
    converted = 0
    for init in graph.initializer:
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.ndim < 2 or w.size < MIN_VALUES:
            kept.append(init)
            continue
        converted += 1
        q, scale = quantize(w) if storage == INT8 else (None, None)
        if q is None or rounding_error(w, q, scale) > MAX_INT8_ERROR:
            added.append(numpy_helper.from_array(w.astype(np.float16), init.name + _H))
            nodes.append(helper.make_node("Cast", [init.name + _H], [init.name], to=TensorProto.FLOAT))
            continue
        added += [numpy_helper.from_array(q, init.name + _Q), numpy_helper.from_array(scale, init.name + _S)]
        nodes += [helper.make_node("Cast", [init.name + _Q], [init.name + _F], to=TensorProto.FLOAT),
                  helper.make_node("Mul", [init.name + _F, init.name + _S], [init.name])]
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    old = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + old)
    model.metadata_props.append(onnx.StringStringEntryProto(key=MARK, value=storage))
    onnx.save(model, str(dst))
    return converted


def rounding_error(w: np.ndarray, q: np.ndarray, scale: np.ndarray) -> float:
    """How far int8 storage moves *w*, as a share of its norm."""
    return float(np.linalg.norm(q * scale - w) / max(float(np.linalg.norm(w)), 1e-12))


def quantize(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 values, float32 scale shaped to broadcast over *w*), symmetric per output channel."""
    flat = w.reshape(w.shape[0], -1)
    scale = np.abs(flat).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(flat / scale[:, None]), -127, 127).astype(np.int8).reshape(w.shape)
    return q, scale.astype(np.float32).reshape((w.shape[0],) + (1,) * (w.ndim - 1))
