"""Animated-vs-normal style classifier; its contract comes from the manifest."""

from __future__ import annotations

import numpy as np

from .manifest import ModelSpec
from .preprocess import to_tensor
from .types import StyleResult


class StyleClassifier:
    def __init__(self, spec: ModelSpec, session) -> None:
        if not spec.class_names:
            raise ValueError("the classifier's manifest entry needs class_names")
        self.spec = spec
        self.session = session
        self._input = session.get_inputs()[0].name

    def classify(self, rgb: np.ndarray) -> StyleResult:
        logits = self.session.run(None, {self._input: to_tensor(rgb, self.spec.input)})[0].reshape(-1)
        e = np.exp(logits - logits.max())
        probs = e / e.sum()
        best = int(probs.argmax())
        return StyleResult(style=self.spec.class_names[best], score=float(probs[best]),
                           model=f"{self.spec.name}@{self.spec.version}")
