"""Names the engine, the front doors and the trainer must agree on, owned here.

Light on purpose (no numpy, no onnxruntime) so settings, the CLI parser and
the trainer's scheduler can import them without loading a model.
"""

from __future__ import annotations

#: What ``--engine`` and ``Settings.engine`` accept; "auto" lets the style classifier route.
ENGINES = ("auto", "yolo", "u2net", "u2netp")
#: The style classifier's two answers, in routing order (the normal style first).
STYLES = ("normal", "animated")


def yolo_model(style: str) -> str:
    """The manifest name of the YOLO student that cuts out *style* images."""
    return f"yolo_{style}"


#: Every YOLO student the manifest may hold, one per style.
YOLO_MODELS = tuple(yolo_model(s) for s in STYLES)
