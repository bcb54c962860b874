"""What the real-photo benchmarks share: their flags, the eval split and a private pipeline."""

from __future__ import annotations

import argparse
import tempfile


def setup(doc: str, name: str):
    """(args, items, pipeline), or None after saying why when ../shared/realgt is not there."""
    from stickerstudio_desktop.config.paths import app_paths
    from stickerstudio_desktop.engine.pipeline import Pipeline
    from trainer import realgt

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N photos")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    items = realgt.load_items("eval")
    if not items:
        print(realgt.missing_message())
        return None
    items = items[:args.limit] if args.limit else items
    return args, items, Pipeline(paths=app_paths(tempfile.mkdtemp(prefix=f"bench-{name}-")))
