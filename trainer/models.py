"""The trainer's view of the app's engine: the same Pipeline, sessions and YOLO decoder.

Until the bundled manifest lists the YOLO students, the trainer adds their
specs here so ``Pipeline.yolo(style)`` resolves promoted versions exactly
as the app does.
"""

from __future__ import annotations

from stickerstudio_desktop.config.paths import AppPaths
from stickerstudio_desktop.engine.manifest import InputContract, Manifest, ModelSpec, load_manifest
from stickerstudio_desktop.engine.pipeline import Pipeline
from stickerstudio_desktop.engine.yolo_seg import YoloSegmenter

from .routing import STYLES, model_name

CLASS_NAMES = ("subject",)


def yolo_spec(name: str, imgsz: int = 640) -> ModelSpec:
    return ModelSpec(name=name, kind="yolo-seg", file=f"{name}.onnx", sha256="promoted",
                     input=InputContract(size=(imgsz, imgsz), resize="letterbox"),
                     class_names=CLASS_NAMES, version="0")


def trainer_manifest(imgsz: int, base: Manifest | None = None) -> Manifest:
    base = base or load_manifest()
    models = dict(base.models)
    for style in STYLES:
        models.setdefault(model_name(style), yolo_spec(model_name(style), imgsz))
    return Manifest(directory=base.directory, models=models)


def trainer_pipeline(paths: AppPaths, imgsz: int) -> Pipeline:
    return Pipeline(paths=paths, manifest=trainer_manifest(imgsz))


def segmenter(pipeline: Pipeline, name: str, onnx_path) -> YoloSegmenter:
    """A YOLO segmenter over *onnx_path*, built exactly as the app builds its own."""
    return YoloSegmenter(pipeline.manifest.get(name), pipeline.pool.get(onnx_path))
