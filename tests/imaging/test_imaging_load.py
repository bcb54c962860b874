"""load_image against the hostile corpus and the promises around it."""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

try:
    import resource
except ImportError:  # Windows
    resource = None

from hostile_corpus import CASES, MARKER_PROBES, Case, gif_frame_outside_screen

from stickerstudio_desktop.errors import ImageLoadError
from stickerstudio_desktop.imaging import DEFAULT_MAX_PIXELS, ImageInfo, load_image, probe_image

OK = [c for c in CASES if c.ok]
BAD = [c for c in CASES if not c.ok]


def _ids(cases: list[Case]) -> list[str]:
    return [c.name.encode("unicode_escape").decode() for c in cases]


def _assert_probes(im: Image.Image, case: Case) -> None:
    for (x, y), expected, tolerance in case.probes:
        got = im.getpixel((x, y))
        assert len(got) == len(expected), (case.name, (x, y), got)
        assert max(abs(a - b) for a, b in zip(got, expected)) <= tolerance, (case.name, (x, y), got, expected)


def _assert_one_sentence(message: str) -> None:
    assert message.splitlines() == [message]
    assert message.endswith(".")
    assert message[0].isupper() or message.startswith('"')


def test_corpus_covers_both_outcomes() -> None:
    assert len(CASES) >= 40
    assert len(OK) >= 20 and len(BAD) >= 20
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", OK, ids=_ids(OK))
def test_good_file_loads_upright_in_rgb_or_rgba(case: Case, corpus: dict[str, Path], open_paths) -> None:
    path = corpus[case.name]
    im = load_image(path)
    assert type(im) is Image.Image  # detached from the file's plugin object
    assert (im.mode, im.size) == (case.mode, case.size)
    assert im.info == {}
    _assert_probes(im, case)
    assert str(path) not in open_paths()


@pytest.mark.parametrize("case", BAD, ids=_ids(BAD))
def test_bad_file_raises_one_clear_sentence(case: Case, corpus: dict[str, Path], open_paths) -> None:
    path = corpus[case.name]
    with pytest.raises(ImageLoadError) as raised:
        load_image(path)
    assert type(raised.value) is ImageLoadError
    message = str(raised.value)
    _assert_one_sentence(message)
    assert f'"{case.label}"' in message
    assert case.error in message
    assert str(path) not in open_paths()


@pytest.mark.parametrize("case", OK, ids=_ids(OK))
def test_bytes_decode_exactly_like_the_file(case: Case, corpus: dict[str, Path]) -> None:
    path = corpus[case.name]
    from_file, from_bytes = load_image(str(path)), load_image(path.read_bytes())
    assert from_bytes.mode == from_file.mode
    assert from_bytes.tobytes() == from_file.tobytes()


BAD_FILES = [c for c in BAD if c.regular_file]


@pytest.mark.parametrize("case", BAD_FILES, ids=_ids(BAD_FILES))
def test_bad_bytes_are_refused_as_image_data(case: Case, corpus: dict[str, Path]) -> None:
    with pytest.raises(ImageLoadError) as raised:
        load_image(corpus[case.name].read_bytes())
    message = str(raised.value)
    _assert_one_sentence(message)
    assert message.startswith("The image data ")
    assert case.error in message


@pytest.mark.parametrize("orientation", range(2, 9))
def test_orientation_cases_would_fail_without_rotation(orientation: int, corpus: dict[str, Path]) -> None:
    """Guards the corpus: each stored picture differs from the upright one until EXIF is applied."""
    with Image.open(corpus[f"exif-{orientation}.jpg"]) as raw:
        stored = raw.convert("RGB")
    expected_size = (32, 48) if orientation >= 5 else (48, 32)
    assert stored.size == expected_size
    if orientation < 5:
        with pytest.raises(AssertionError):
            _assert_probes(stored, Case("stored", None, "RGB", probes=MARKER_PROBES))


def test_name_labels_bytes_in_messages() -> None:
    with pytest.raises(ImageLoadError, match=r'^"photo\.png" is not an image'):
        load_image(b"definitely not pixels", name="downloads/photo.png")
    with pytest.raises(ImageLoadError, match=r"^The image data is empty \(0 bytes\)\.$"):
        load_image(b"")


def _png(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_max_pixels_is_configurable() -> None:
    data = _png((100, 100))
    assert load_image(data, max_pixels=10_000).size == (100, 100)
    with pytest.raises(ImageLoadError) as raised:
        load_image(data, max_pixels=9_999, name="square.png")
    assert str(raised.value) == '"square.png" is 100×100 pixels (10,000 pixels); the limit is 9,999 pixels.'


def test_limit_in_message_follows_max_pixels(corpus: dict[str, Path]) -> None:
    assert DEFAULT_MAX_PIXELS == 50_000_000
    with pytest.raises(ImageLoadError) as raised:
        load_image(corpus["bomb-just-over.png"], max_pixels=40_000_000)
    assert str(raised.value) == '"bomb-just-over.png" is 7072×7071 pixels (50 MP); the limit is 40 MP.'


def test_pillow_bomb_warning_is_refused_even_under_a_generous_limit() -> None:
    """A GIF frame that grows a 1x1 canvas to 100 MP trips Pillow's own check during opening."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(ImageLoadError, match="larger than the pixel limit"):
            load_image(gif_frame_outside_screen(10000), max_pixels=200_000_000)
    assert seen == []


def test_pillow_warnings_do_not_escape(corpus: dict[str, Path]) -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        load_image(corpus["exif-truncated-ifd.jpg"])  # Pillow warns "Corrupt EXIF data"
    assert seen == []


def test_global_pillow_state_is_left_alone(corpus: dict[str, Path]) -> None:
    limit, filters = Image.MAX_IMAGE_PIXELS, list(warnings.filters)
    for case in CASES:
        try:
            load_image(corpus[case.name])
        except ImageLoadError:
            pass
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert Image.MAX_IMAGE_PIXELS == limit
    assert warnings.filters == filters


def test_result_survives_the_file_being_deleted(corpus: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy.tiff"
    shutil.copyfile(corpus["lzw.tiff"], copy)
    im = load_image(copy)
    copy.unlink()
    assert im.getpixel((15, 11)) == (0, 255, 0)
    assert np.asarray(im).shape == (12, 16, 3)


def test_path_like_and_str_are_the_same(corpus: dict[str, Path]) -> None:
    path = corpus["rgba.png"]
    assert load_image(path).tobytes() == load_image(str(path)).tobytes()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="drops privileges in a forked child")
def test_permission_denied_is_explained() -> None:
    """Run as an unprivileged user (forking and dropping root when needed) so the denial is real."""
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o755)
        locked = folder / "locked.png"
        locked.write_bytes(_png((4, 4)))
        locked.chmod(0)
        message = _load_message_as_unprivileged(locked)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert message == 'ImageLoadError: "locked.png" cannot be read because permission was denied.'


def _load_message_as_unprivileged(path: Path) -> str:
    if os.geteuid() != 0:
        try:
            load_image(path)
        except Exception as exc:  # noqa: BLE001 - the test asserts the type
            return f"{type(exc).__name__}: {exc}"
        return "loaded"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: become nobody, try, report, exit without running pytest's teardown
        os.close(read_end)
        result = "child failed"
        try:
            os.setgid(65534)
            os.setuid(65534)
            load_image(path)
            result = "loaded"
        except Exception as exc:  # noqa: BLE001
            result = f"{type(exc).__name__}: {exc}"
        finally:
            os.write(write_end, result.encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        result = pipe.read().decode()
    os.waitpid(pid, 0)
    return result


def test_probe_reads_header_only(corpus: dict[str, Path]) -> None:
    assert probe_image(corpus["exif-6.jpg"]) == ImageInfo("JPEG", 48, 32)
    assert probe_image(corpus["exif-6.png"]) == ImageInfo("PNG", 48, 32)
    assert probe_image(corpus["exif-5.tiff"]) == ImageInfo("TIFF", 48, 32)
    assert probe_image(corpus["multipage.tiff"]) == ImageInfo("TIFF", 20, 10)
    assert probe_image(corpus["animated.webp"].read_bytes()) == ImageInfo("WebP", 20, 10)
    with pytest.raises(ImageLoadError, match="web page"):
        probe_image(corpus["page.png"])
    with pytest.raises(ImageLoadError, match="folder"):
        probe_image(corpus["folder.png"])


@pytest.mark.skipif(resource is None or sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
def test_probe_does_not_decode_a_bomb(corpus: dict[str, Path]) -> None:
    """Decoding the 900 MP bomb would need about 900 MB; probing must stay in the header."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert probe_image(corpus["bomb-30000.png"]) == ImageInfo("PNG", 30000, 30000)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 100


def test_programming_errors_are_not_disguised() -> None:
    with pytest.raises(ValueError):
        load_image(b"x", max_pixels=0)
    with pytest.raises(TypeError):
        load_image(42)  # type: ignore[arg-type]
