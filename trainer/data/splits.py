"""Deterministic train/val/test assignment by source, never by derived image.

Every image built from a source inherits the source's split, so a test
image never shares a foreground, photo or background file with training.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "val", "test")
FRACTIONS = {"train": 0.70, "val": 0.15, "test": 0.15}


def split_of(group: str, seed: int = 0) -> str:
    """Stable split for a source group key (same key, same seed -> same split)."""
    digest = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    edge = 0.0
    for name in SPLITS:
        edge += FRACTIONS[name]
        if u < edge:
            return name
    return SPLITS[-1]
