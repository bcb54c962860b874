"""Output contracts checked by a real inference on the real files."""

from __future__ import annotations

import onnxruntime as ort
import pytest

from stickerstudio_desktop.engine.contract import check_contract
from stickerstudio_desktop.engine.manifest import InputContract, ModelSpec
from stickerstudio_desktop.errors import ModelError


def test_every_installed_model_meets_its_contract(shared_pipeline):
    checked = 0
    for spec in shared_pipeline.manifest.models.values():
        path = shared_pipeline.registry.path(spec)
        if path.is_file():
            check_contract(spec, shared_pipeline.pool.get(path))
            checked += 1
    assert checked >= 2


def test_yolo_export_meets_the_contract_and_wrong_class_count_is_caught(yolo_onnx):
    sess = ort.InferenceSession(str(yolo_onnx))
    good = ModelSpec(name="y", kind="yolo-seg", file="y.onnx", sha256="0", input=InputContract(size=(160, 160)),
                     class_names=("a", "b", "c"))
    shapes = check_contract(good, sess)
    assert shapes["output1"] == [1, 32, 40, 40]
    bad = ModelSpec(**{**good.__dict__, "class_names": ("subject",)})
    with pytest.raises(ModelError, match="3 classes"):
        check_contract(bad, sess)


def test_a_salient_model_declared_as_classifier_is_caught(shared_pipeline):
    spec = shared_pipeline.manifest.get("u2netp")
    wrong = ModelSpec(**{**spec.__dict__, "kind": "classifier", "class_names": ("animated", "normal")})
    with pytest.raises(ModelError, match="logits"):
        check_contract(wrong, shared_pipeline.pool.get(shared_pipeline.registry.path(spec)))
