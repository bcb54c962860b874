"""Plain data the engine hands out: no Qt, no ONNX objects."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Instance:
    """One detected subject at the source image's resolution."""

    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in pixels
    score: float
    class_id: int
    class_name: str
    mask: np.ndarray  # float32 H×W in [0, 1]; soft at the edges

    @property
    def area(self) -> int:
        return int((self.mask >= 0.5).sum())


@dataclass
class StyleResult:
    style: str  # "animated" | "normal"
    score: float  # probability of *style*
    model: str


@dataclass
class Timings:
    """Milliseconds per stage, in the order they ran."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, ms: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + ms

    @property
    def total(self) -> float:
        return sum(self.stages.values())
