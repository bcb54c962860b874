"""Training data: raw sources, stylisation and composites (no torch needed)."""
