"""Rewrite one entry of ``models/manifest.json`` in the manifest's house style.

Only the named entry changes; other models' entries keep their exact text layout,
so diffs of the committed manifest stay readable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stickerstudio_desktop.files import atomic_write_bytes


def _value(v: Any, indent: int) -> str:
    """Compact JSON when it fits a line (or is a list of scalars), else one key per line, recursively."""
    flat = json.dumps(v, ensure_ascii=False)
    scalars = isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v)
    if len(flat) <= 160 or scalars or not isinstance(v, (dict, list)):
        return flat
    pad = " " * (indent + 2)
    if isinstance(v, dict):
        body = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_value(x, indent + 2)}" for k, x in v.items()]
        return "{\n" + ",\n".join(body) + "\n" + " " * indent + "}"
    body = [f"{pad}{_value(x, indent + 2)}" for x in v]
    return "[\n" + ",\n".join(body) + "\n" + " " * indent + "]"


def dump_manifest(raw: dict) -> str:
    """The manifest's house style: one line per model key, small values inline."""
    lines = ["{"]
    top = [(k, v) for k, v in raw.items() if k != "models"]
    for k, v in top:
        lines.append(f"  {json.dumps(k)}: {json.dumps(v)},")
    lines.append('  "models": {')
    models = list(raw["models"].items())
    for i, (name, entry) in enumerate(models):
        lines.append(f"    {json.dumps(name)}: {{")
        items = list(entry.items())
        for j, (k, v) in enumerate(items):
            lines.append(f"      {json.dumps(k)}: {_value(v, 6)}" + ("," if j < len(items) - 1 else ""))
        lines.append("    }" + ("," if i < len(models) - 1 else ""))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def update_manifest(models_dir: Path, name: str, entry: dict) -> Path:
    """Insert or replace the *name* entry of models_dir/manifest.json (temp file + rename)."""
    path = Path(models_dir) / "manifest.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"schema": 1, "models": {}}
    raw.setdefault("models", {})[name] = entry
    return atomic_write_bytes(path, dump_manifest(raw).encode("utf-8"))


def update_top(models_dir: Path, key: str, value: Any) -> Path:
    """Replace one top-level manifest entry (temp file + rename); model entries keep their text."""
    path = Path(models_dir) / "manifest.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    models = raw.pop("models")
    raw[key] = value
    raw["models"] = models  # tables sit above the models, where a reader meets them first
    return atomic_write_bytes(path, dump_manifest(raw).encode("utf-8"))


def update_routing(models_dir: Path, routing: dict[str, str]) -> Path:
    """Replace the manifest's routing table."""
    return update_top(models_dir, "routing", routing)
