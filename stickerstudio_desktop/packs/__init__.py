"""Sticker-pack export for each chat platform, checked against its rules before anything is written.

One module per platform behind the shared ``base.Platform``; no Qt, so both
front doors (through ``jobs.packs``) use the same checks. Import from the
submodules (``packs.platforms.get_platform``…): this package imports nothing,
so the CLI parser can read ``packs.names`` without loading Pillow.
"""
