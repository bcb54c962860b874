"""Pooled backbone features for every dataset image, computed once and cached.

Pixels go through the engine's own ``to_tensor`` with the manifest contract,
so training sees exactly what the app will feed the exported model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from stickerstudio_desktop.engine.preprocess import to_tensor

from .model import CONTRACT, backbone


def load_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


@torch.inference_mode()
def extract(paths: list[Path], batch: int = 32, flip: bool = False, log=print) -> np.ndarray:
    """N×1280 float32 (2N×1280 with mirrored copies appended when *flip*)."""
    net = backbone()
    out, mirrored = [], []
    for start in range(0, len(paths), batch):
        x = torch.from_numpy(np.concatenate([to_tensor(load_rgb(p), CONTRACT) for p in paths[start:start + batch]]))
        out.append(net.extract_features(x).mean(dim=(2, 3)).numpy())
        if flip:
            mirrored.append(net.extract_features(x.flip(3)).mean(dim=(2, 3)).numpy())
        if (start // batch) % 20 == 19:
            log(f"  features {start + batch}/{len(paths)}")
    feats = np.concatenate(out + mirrored) if out else np.zeros((0, 1280), np.float32)
    return feats.astype(np.float32)


def cached(paths: list[Path], cache_dir: Path, flip: bool = False, log=print) -> np.ndarray:
    """``extract`` with an on-disk cache keyed by file names, sizes and the contract."""
    key = hashlib.sha256(repr((flip, CONTRACT, [(p.name, p.stat().st_size) for p in paths])).encode()).hexdigest()[:16]
    file = Path(cache_dir) / f"features-{key}.npy"
    if file.exists():
        return np.load(file)
    feats = extract(paths, flip=flip, log=log)
    file.parent.mkdir(parents=True, exist_ok=True)
    np.save(file, feats)
    return feats
