"""The job layer on its own: no Qt, the real pipeline, what both front doors rely on."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PIL import Image

from stickerstudio_desktop.jobs.batch import Outcome
from stickerstudio_desktop.jobs.context import AppContext
from stickerstudio_desktop.jobs.control import JobCancelled, SilentControl
from stickerstudio_desktop.jobs.make import MadeItem, MakeOptions, make_batch
from stickerstudio_desktop.jobs.reopen import plan_reopen
from stickerstudio_desktop.sticker.compose import StickerStyle
from tests.conftest import ROOT, SAMPLES


@pytest.fixture
def ctx(shared_pipeline) -> AppContext:
    context = AppContext.create()
    context._pipeline = shared_pipeline
    return context


@pytest.fixture
def two_photos_and_a_bad_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("chelsea.jpg", "coffee.jpg"):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "broken.jpg").write_bytes(b"not a jpeg at all" * 20)
    return [folder / "broken.jpg", folder / "chelsea.jpg", folder / "coffee.jpg"]


def test_the_jobs_load_without_qt_or_the_cli():
    code = ("import sys\n"
            "from stickerstudio_desktop.jobs import context, download, export, generate, make, reopen\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'stickerstudio_desktop.ui', "
            "'stickerstudio_desktop.cli', 'stickerstudio_desktop.commands'))]\n"
            "assert not bad, bad\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_a_batch_goes_on_past_a_bad_file_and_each_sticker_can_be_reopened(ctx, two_photos_and_a_bad_file, tmp_path):
    style = StickerStyle(caption="Batch", outline_px=4, position="top")
    seen: list[Outcome[MadeItem]] = []
    options = MakeOptions(style, preset="signal", output=str(tmp_path / "out"))
    report = make_batch(ctx, two_photos_and_a_bad_file, options, on_item=seen.append)
    assert (report.total, report.succeeded) == (3, 2)
    assert [p.name for p, _ in report.failures] == ["broken.jpg"] and "supported format" in report.failures[0][1]
    assert [o.item.name for o in seen] == ["broken.jpg", "chelsea.jpg", "coffee.jpg"] and seen[0].error
    made = [o.result for o in seen[1:]]
    assert [m.written.path.name for m in made] == ["chelsea.png", "coffee.png"]  # the signal preset writes PNG
    with Image.open(made[0].written.path) as im:
        assert im.mode == "RGBA" and max(im.size) <= 512

    entries = ctx.library.items()
    assert len(entries) == 2
    plan = plan_reopen(made[0].entry, StickerStyle())
    assert plan.source == two_photos_and_a_bad_file[1].resolve() and plan.preset == "signal"
    assert plan.style == style and plan.meta["source_name"] == "chelsea.jpg"
    two_photos_and_a_bad_file[1].unlink()  # the photo is gone: the finished image is all there is
    assert plan_reopen(made[0].entry, StickerStyle()).source is None


def test_cancel_stops_a_batch_between_stickers(ctx, two_photos_and_a_bad_file):
    control = SilentControl()
    with pytest.raises(JobCancelled):
        make_batch(ctx, two_photos_and_a_bad_file[1:], MakeOptions(StickerStyle()), control,
                   on_item=lambda outcome: control.cancel_event.set())
    assert len(ctx.library.items()) == 1
