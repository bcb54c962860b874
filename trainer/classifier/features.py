"""Style features for every dataset image, computed once and cached.

The frozen feature network is exported to ONNX and run with onnxruntime
(several times faster than eager PyTorch on a small CPU). Pixels go through
the engine's own ``to_tensor`` with the manifest contract, so training sees
exactly what the app will feed the exported model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image

from stickerstudio_desktop.engine.preprocess import to_tensor

from .model import CONTRACT, FEATURES, TAPS


def load_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def feature_session(work: Path):
    """An onnxruntime session for the frozen feature network (exported once into *work*)."""
    import onnxruntime as ort

    path = Path(work) / f"features-{'-'.join(map(str, TAPS))}.onnx"
    if not path.exists():
        from .export import export_onnx
        from .model import StyleFeatures, backbone

        export_onnx(StyleFeatures(backbone()), path, output="features")
    opts = ort.SessionOptions()
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")  # polite on a busy machine
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


def extract(paths: list[Path], work: Path, flip: bool = False, log=print) -> np.ndarray:
    """N×FEATURES float32 (2N rows with mirrored copies appended when *flip*)."""
    sess = feature_session(work)
    out = np.zeros((len(paths) * (2 if flip else 1), FEATURES), np.float32)
    for i, p in enumerate(paths):
        x = to_tensor(load_rgb(p), CONTRACT)
        out[i] = sess.run(None, {"input": x})[0][0]
        if flip:
            out[len(paths) + i] = sess.run(None, {"input": np.ascontiguousarray(x[..., ::-1])})[0][0]
        if i % 1000 == 999:
            log(f"  features {i + 1}/{len(paths)}")
    return out


def cached(paths: list[Path], work: Path, flip: bool = False, log=print) -> np.ndarray:
    """``extract`` with an on-disk cache keyed by file names, sizes, taps and the contract."""
    key = hashlib.sha256(repr((flip, TAPS, CONTRACT, [(p.name, p.stat().st_size) for p in paths])).encode())
    file = Path(work) / f"features-{key.hexdigest()[:16]}.npy"
    if file.exists():
        return np.load(file)
    feats = extract(paths, work, flip=flip, log=log)
    np.save(file, feats)
    return feats
