"""The per-style YOLO datasets and the fixed evaluation set, on disk.

``datasets/<style>/images|labels`` hold every train/val image (JPEG,
re-encoded from the decoded pixels, so nothing hostile survives) and its
polygon label; ``eval/<style>/images|masks`` hold the held-out images and
their ground-truth masks. The two trees never share a file, and the split of
each content hash is recorded in the state database, so an evaluation image
can never reach training. The evaluation set fills up to ``eval_size`` per
style and is then fixed; its version is a hash of its contents.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from stickerstudio_desktop.files import atomic_write_bytes

from .polygons import yolo_label
from .state import TrainerState
from .teacher import Label

#: Longest side kept; the student trains at a few hundred pixels at most.
MAX_SIDE = 1024
#: About one training image in six is kept aside for ultralytics' own validation.
VAL_SHARE = 6


@dataclass(frozen=True)
class EvalItem:
    sha256: str
    style: str
    image: Path
    mask: Path

    def load(self) -> tuple[np.ndarray, np.ndarray]:
        """(RGB uint8, boolean ground-truth mask)."""
        rgb = np.asarray(Image.open(self.image).convert("RGB"))
        mask = cv2.imread(str(self.mask), cv2.IMREAD_GRAYSCALE)
        if mask is None or mask.shape != rgb.shape[:2]:
            raise ValueError(f"evaluation mask {self.mask.name} is missing or does not match its image")
        return rgb, mask > 127


def fit(rgb: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    """Scale down so the longest side is at most *max_side*."""
    scale = max_side / max(rgb.shape[:2])
    if scale >= 1:
        return rgb
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def _jpeg(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, "JPEG", quality=92)
    return buf.getvalue()


def _png(mask: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", (mask > 0).astype(np.uint8) * 255)
    if not ok:
        raise OSError("PNG encoding failed")
    return data.tobytes()


class DatasetStore:
    def __init__(self, trainer_dir: Path, state: TrainerState) -> None:
        self.root = Path(trainer_dir)
        self.state = state

    # -- layout ---------------------------------------------------------------------
    def image_path(self, style: str, sha: str, split: str) -> Path:
        base = self.root / ("eval" if split == "eval" else "datasets") / style
        return base / "images" / f"{sha}.jpg"

    def label_path(self, style: str, sha: str) -> Path:
        return self.root / "datasets" / style / "labels" / f"{sha}.txt"

    def mask_path(self, style: str, sha: str) -> Path:
        return self.root / "eval" / style / "masks" / f"{sha}.png"

    # -- splitting --------------------------------------------------------------------
    def choose_split(self, style: str, eval_size: int) -> str:
        """Fill the evaluation set first, alternating with training so both grow; then train/val."""
        counts = self.state.counts().get(style, {})
        ev, tr, va = counts.get("eval", 0), counts.get("train", 0), counts.get("val", 0)
        if ev < eval_size and ev <= tr + va:
            return "eval"
        if tr >= 1 and va < max(1, (tr + va + 1) // VAL_SHARE):
            return "val"
        return "train"

    # -- writing ------------------------------------------------------------------------
    def add(self, style: str, split: str, sha: str, rgb: np.ndarray, label: Label, *, source: str,
            origin: str, teacher: str) -> None:
        """Write the image and its label/mask (atomically), then record it. OSError on a full disk."""
        shape = rgb.shape[:2]
        atomic_write_bytes(self.image_path(style, sha, split), _jpeg(rgb))
        if split == "eval":
            atomic_write_bytes(self.mask_path(style, sha), _png(label.mask))
        else:
            atomic_write_bytes(self.label_path(style, sha), yolo_label(label.polygons, shape).encode())
        self.state.add_image(sha, source=source, origin=origin, style=style, split=split,
                             instances=len(label.polygons), teacher=teacher)

    def write_yaml(self, style: str, work_dir: Path) -> tuple[Path, int, int]:
        """``data.yaml`` + image lists for *style* in *work_dir*: (path, n_train, n_val)."""
        train = [self.image_path(style, r["sha256"], "train") for r in self.state.images(style, "train")]
        val = [self.image_path(style, r["sha256"], "val") for r in self.state.images(style, "val")]
        train = [p for p in train if p.is_file()]
        val = [p for p in val if p.is_file()] or train  # ultralytics needs a val split
        work_dir.mkdir(parents=True, exist_ok=True)
        (work_dir / "train.txt").write_text("".join(f"{p}\n" for p in train), encoding="utf-8")
        (work_dir / "val.txt").write_text("".join(f"{p}\n" for p in val), encoding="utf-8")
        yaml = work_dir / "data.yaml"
        yaml.write_text(f"path: {work_dir.as_posix()}\ntrain: train.txt\nval: val.txt\nnames:\n  0: subject\n",
                        encoding="utf-8")
        return yaml, len(train), len(val)

    # -- the evaluation set ---------------------------------------------------------------
    def eval_items(self, style: str | None = None) -> list[EvalItem]:
        items = []
        for r in self.state.images(style, "eval"):
            item = EvalItem(r["sha256"], r["style"], self.image_path(r["style"], r["sha256"], "eval"),
                            self.mask_path(r["style"], r["sha256"]))
            if item.image.is_file() and item.mask.is_file():
                items.append(item)
        return items

    def eval_version(self) -> str:
        """Content hash of the whole evaluation set (images' hashes and mask bytes)."""
        h = hashlib.sha256()
        for item in sorted(self.eval_items(), key=lambda i: (i.style, i.sha256)):
            h.update(f"{item.style}/{item.sha256}/".encode())
            h.update(hashlib.sha256(item.mask.read_bytes()).digest())
        return h.hexdigest()[:12]
