"""Send each new image to the normal or the animated dataset with the app's style classifier."""

from __future__ import annotations

import numpy as np

from stickerstudio_desktop.engine.names import STYLES, yolo_model

__all__ = ["STYLES", "StyleRouter", "model_name"]


class StyleRouter:
    def __init__(self, pipeline) -> None:
        self.classifier = pipeline.classifier()
        self.note = ("" if self.classifier is not None else
                     "No style classifier is installed, so every image goes to the normal dataset.")

    @property
    def available(self) -> bool:
        return self.classifier is not None

    def route(self, rgb: np.ndarray) -> str:
        if self.classifier is None:
            return "normal"
        style = self.classifier.classify(rgb).style
        return style if style in STYLES else "normal"


#: The trainer says model_name; the engine owns the rule.
model_name = yolo_model
