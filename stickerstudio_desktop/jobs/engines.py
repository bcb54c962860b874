"""The window's three engine choices and the engine names they stand for.

The CLI speaks engine names (``--engine u2net``); the window offers Auto /
Fast / High quality. A job accepts either and resolves it here, on the
worker, because "fast" depends on which student models are installed.
"""

from __future__ import annotations

from ..engine.names import YOLO_MODELS

#: Engine choices in the window, in the order the combo box shows them.
ENGINE_CHOICES = ("auto", "fast", "quality")


def engine_choice(engine: str) -> str:
    """Settings.engine → the window's choice."""
    return {"u2net": "quality", "u2netp": "fast", "yolo": "fast"}.get(engine, "auto")


def engine_setting(choice: str) -> str:
    """The window's choice → the value remembered in Settings.engine."""
    return {"quality": "u2net", "fast": "u2netp"}.get(choice, "auto")


def resolve_engine(engine: str, pipeline) -> str:
    """A choice or engine name → the engine name the pipeline runs.

    Fast means YOLO when a student model exists for every style, else U²-Netp.
    """
    if engine == "quality":
        return "u2net"
    if engine == "fast":
        return "yolo" if all(pipeline.registry.available(m) for m in YOLO_MODELS) else "u2netp"
    return engine
