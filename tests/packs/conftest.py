"""Stickers made once per module from real photos by the real pipeline, for the pack tests."""

from __future__ import annotations

import pytest

from stickerstudio_desktop.jobs.context import AppContext
from stickerstudio_desktop.jobs.make import MakeOptions, make_batch
from stickerstudio_desktop.jobs.packs import add_to_pack
from stickerstudio_desktop.sticker.compose import StickerStyle

CAPTIONS = ["Good morning ☕", "Hello!", "lol", "Thanks 🙏", "Party time", "", "Love you"]


@pytest.fixture(scope="module")
def made(tmp_path_factory, photos, shared_pipeline):
    """Seven real stickers in one library: each photo cut out, captioned and saved (WhatsApp preset)."""
    ctx = AppContext.create(tmp_path_factory.mktemp("packs-home"))
    ctx._pipeline = shared_pipeline
    entries = []
    for photo, caption in zip(photos, CAPTIONS):
        seen = []
        report = make_batch(ctx, [photo], MakeOptions(StickerStyle(caption=caption), engine="u2netp"),
                            on_item=seen.append)
        assert report.succeeded == 1, report.failures
        entries.append(seen[0].result.entry)
    return ctx, entries


@pytest.fixture
def new_pack(made):
    """make(name, n, **details): a fresh pack of the first *n* real stickers (emojis suggested)."""
    ctx, entries = made

    def make(name, n, **kw):
        if ctx.library.packs.exists(name):
            ctx.library.packs.delete(name)
        ctx.library.packs.create(name, **kw)
        return add_to_pack(ctx, name, entries[:n])
    return make
