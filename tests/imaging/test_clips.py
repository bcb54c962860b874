"""Clips in: real clips made at test time from committed photos, and truly broken files."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from stickerstudio_desktop.errors import ClipError, ImageLoadError
from stickerstudio_desktop.imaging.clips import CLIP_WORK_SIDE, MAX_FRAMES, is_clip, load_clip, probe_clip
from tests.conftest import SAMPLES
from trainer.clip_composite import write_animated_image, write_video


def _frames(n: int, size=(320, 240)) -> list[np.ndarray]:
    """A slow pan across a real photo: every frame different, like a real clip."""
    photo = np.asarray(Image.open(SAMPLES / "chelsea.jpg").convert("RGB"))
    w, h = size
    return [np.ascontiguousarray(photo[10:10 + h, 5 * i:5 * i + w]) for i in range(n)]


@pytest.fixture(scope="module")
def mp4(tmp_path_factory):
    return write_video(_frames(30), tmp_path_factory.mktemp("clips") / "pan.mp4", fps=15)


@pytest.mark.parametrize("suffix", [".gif", ".webp", ".png"])
def test_animated_images_decode_with_their_timing(tmp_path, suffix):
    path = write_animated_image(_frames(6), tmp_path / f"pan{suffix}", durations_ms=[100, 100, 100, 100, 100, 300])
    assert is_clip(path)
    clip = load_clip(path)
    assert len(clip.frames) == 6 and clip.frames[0].size == (320, 240)
    assert clip.durations_ms == (100, 100, 100, 100, 100, 300)
    # the frames are the photo's, not blank: neighbouring frames differ, as the pan does
    a, b = (np.asarray(f.convert("RGB"), np.float32) for f in clip.frames[:2])
    assert np.abs(a - b).mean() > 2


def test_a_still_gif_is_not_a_clip(tmp_path):
    path = tmp_path / "still.gif"
    Image.fromarray(_frames(1)[0]).save(path)
    assert not is_clip(path)


def test_mp4_decodes_trims_and_caps_the_frame_rate_keeping_time(mp4):
    info = probe_clip(mp4)
    assert info.kind == "video" and info.size == (320, 240) and info.duration_s == pytest.approx(2.0, abs=0.1)
    full = load_clip(mp4)
    assert len(full.frames) == 30 and full.duration_ms == pytest.approx(2000, abs=70)
    part = load_clip(mp4, start=0.5, end=1.5)
    assert len(part.frames) == pytest.approx(15, abs=1) and part.duration_ms == pytest.approx(1000, abs=70)
    # the trimmed part starts where asked: its first frame is the full clip's frame 7 or 8
    first = np.asarray(part.frames[0], np.float32)
    errs = [np.abs(first - np.asarray(f, np.float32)).mean() for f in full.frames]
    assert int(np.argmin(errs)) in (7, 8)
    capped = load_clip(mp4, max_fps=5)
    assert len(capped.frames) == 10 and capped.duration_ms == pytest.approx(full.duration_ms, abs=2)
    fast = load_clip(mp4, speed=2)
    assert len(fast.frames) == 30 and fast.duration_ms == pytest.approx(1000, abs=40)


def test_big_frames_are_scaled_down_on_decode(tmp_path):
    photo = np.asarray(Image.open(SAMPLES / "astronaut.jpg").convert("RGB").resize((1280, 1280)))
    path = write_video([photo, photo[::-1]], tmp_path / "big.webm", fps=5, codec="libvpx-vp9")
    clip = load_clip(path)
    assert max(clip.frames[0].size) == CLIP_WORK_SIDE and probe_clip(path).size == (1280, 1280)


def test_a_truncated_video_gets_one_sentence(mp4, tmp_path):
    data = mp4.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(ClipError) as err:
        load_clip(cut)
    assert "cut.mp4" in str(err.value) and "\n" not in str(err.value)


def test_garbage_with_a_video_name_gets_one_sentence(tmp_path):
    bad = tmp_path / "noise.mov"
    bad.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(ClipError, match="noise.mov"):
        probe_clip(bad)


def test_a_sound_file_has_no_video_stream(tmp_path):
    path = tmp_path / "voice.mp4"
    with av.open(str(path), "w") as box:
        st = box.add_stream("aac", rate=16000)
        for i in range(20):
            samples = (np.sin(np.arange(1024) * 0.05 + i) * 0.3).astype(np.float32)[None]
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate = 16000
            for packet in st.encode(frame):
                box.mux(packet)
        for packet in st.encode():
            box.mux(packet)
    with pytest.raises(ClipError, match="no video stream"):
        load_clip(path)


def test_a_gif_with_no_frames_gets_one_sentence(tmp_path):
    # a real GIF header and an empty global colour table, then the trailer: no image at all
    path = tmp_path / "empty.gif"
    path.write_bytes(b"GIF89a" + (1).to_bytes(2, "little") * 2 + b"\x80\x00\x00" + b"\x00" * 6 + b"\x3b")
    with pytest.raises(ImageLoadError, match="empty.gif"):
        load_clip(path)


def test_a_long_recording_needs_a_trim_and_a_short_window(tmp_path):
    # 2 frames 5 minutes apart: a long file without decoding hours of video
    path = tmp_path / "long.mkv"
    photo = _frames(1)[0]
    with av.open(str(path), "w") as box:
        st = box.add_stream("libx264", rate=1)
        st.width, st.height, st.pix_fmt = 320, 240, "yuv420p"
        for t in (0, 4 * 3600):
            frame = av.VideoFrame.from_ndarray(photo, format="rgb24")
            frame.pts = t
            for packet in st.encode(frame):
                box.mux(packet)
        for packet in st.encode():
            box.mux(packet)
    assert probe_clip(path).duration_s > 3600
    with pytest.raises(ClipError, match="--start and --end"):
        load_clip(path)
    with pytest.raises(ClipError, match="at most 60 s"):
        load_clip(path, start=0, end=3600)


def test_too_many_frames_are_refused(tmp_path):
    # every frame different (Pillow merges identical neighbours into one GIF frame)
    frames = [np.full((24, 32, 3), (i % 251, i // 251 * 90, 30), np.uint8) for i in range(MAX_FRAMES + 1)]
    path = write_animated_image(frames, tmp_path / "many.gif", durations_ms=20)
    with pytest.raises(ClipError, match="more than"):
        load_clip(path)
    assert len(load_clip(path, max_fps=10).frames) == pytest.approx(61, abs=1)


@pytest.mark.parametrize("kwargs, words", [({"start": 5}, "only"), ({"start": 1, "end": 0.5}, "after"),
                                            ({"speed": 0}, "Speed"), ({"max_fps": 0.2}, "frame rate")])
def test_bad_trims_get_one_sentence(mp4, kwargs, words):
    with pytest.raises(ClipError, match=words):
        load_clip(mp4, **kwargs)
