"""Offline, seeded training for the bundled models (needs the ``train`` extra)."""
