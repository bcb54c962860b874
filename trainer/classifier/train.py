"""Linear probe: a logistic-regression head on frozen EfficientNet-Lite0 features.

The L2 strength is chosen on the validation split by the one-standard-error
rule (the strongest L2 whose val accuracy is within one standard error of the
best): val shares its generators with training, so among heads it cannot tell
apart the smoother one generalises better to unseen sources (the held-out
test). Then the head is refit on train + val. Full-batch L-BFGS on CPU is
deterministic and takes seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

L2_GRID = (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3)


@dataclass
class Head:
    weight: np.ndarray  # 2×1280, acts on raw pooled features
    bias: np.ndarray  # 2
    l2: float
    val_accuracy: float

    def linear(self) -> nn.Linear:
        layer = nn.Linear(self.weight.shape[1], self.weight.shape[0])
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(self.weight))
            layer.bias.copy_(torch.from_numpy(self.bias))
        return layer

    def logits(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weight.T + self.bias


def _fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Standardised multinomial logistic regression; returns (W, b) folded back to raw features."""
    torch.manual_seed(0)
    mu, sd = x.mean(0), x.std(0) + 1e-6
    xt = torch.from_numpy((x - mu) / sd)
    yt = torch.from_numpy(y.astype(np.int64))
    n_cls = int(y.max()) + 1
    w = torch.zeros(n_cls, x.shape[1], dtype=torch.float32, requires_grad=True)
    b = torch.zeros(n_cls, dtype=torch.float32, requires_grad=True)
    # balance classes so neither style wins by count
    counts = np.bincount(y, minlength=n_cls).astype(np.float32)
    cw = torch.from_numpy(counts.sum() / (n_cls * np.maximum(counts, 1)))
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=steps, history_size=20, line_search_fn="strong_wolfe")
    loss_fn = nn.CrossEntropyLoss(weight=cw)

    def closure():
        opt.zero_grad()
        loss = loss_fn(xt @ w.T + b, yt) + l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    W = w.detach().numpy() / sd
    B = b.detach().numpy() - W @ mu
    return W.astype(np.float32), B.astype(np.float32)


def _accuracy(W: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(((x @ W.T + B).argmax(1) == y).mean())


def train_head(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
               grid: tuple[float, ...] = L2_GRID, log=print) -> Head:
    scores = []
    for l2 in grid:
        W, B = _fit(x_train, y_train, l2)
        acc = _accuracy(W, B, x_val, y_val)
        log(f"  l2={l2:g}: val accuracy {acc:.4f}")
        scores.append((l2, acc))
    best = max(acc for _, acc in scores)
    se = float(np.sqrt(best * (1 - best) / max(len(y_val), 1)))
    l2, acc = max((s for s in scores if s[1] >= best - se - 1e-9), key=lambda s: s[0])
    W, B = _fit(np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val]), l2)
    return Head(weight=W, bias=B, l2=l2, val_accuracy=acc)
