"""Photos from GCompris' activity data (Debian ``gcompris-qt-data``), for the normal student only.

The images sit inside Qt resource bundles (``rcc/<activity>.rcc``); PySide6's
QResource reads them without running GCompris. Licences are GPL-3+ or
CC-BY-SA per file (the package's debian/copyright), so they train models and
are never committed. The classifier's data does not use them: its bundled
accuracy stays reproducible.
"""

from __future__ import annotations

from pathlib import Path

from stickerstudio_desktop.errors import ConfigError

PACKAGE = "gcompris-qt-data"
#: Photos whose main subject the teacher cuts out (animals, tools and objects on plain backgrounds).
SUBJECTS = {
    "erase": "",  # 1920×1080 wildlife portraits
    "explore_world_animals": "animals/",
    "explore_farm_animals": "animals/",
    "categorization": ("images/tools/", "images/others/"),
}
#: Whole scenes used as photo backgrounds.
SCENES = {
    "explore_monuments": "",
    "categorization": ("images/monuments/", "images/renewable/"),
}
DONE = ".done"


def _rcc_dir(root: Path) -> Path:
    return Path(root) / PACKAGE / "usr" / "share" / "gcompris-qt" / "rcc"


def extract(root: Path) -> int:
    """Write the webp images of the activities we use to ``root/gcompris/<activity>/…``."""
    out_root = Path(root) / "gcompris"
    if (out_root / DONE).exists():
        return sum(1 for _ in out_root.rglob("*.webp"))
    from PySide6.QtCore import QDirIterator, QFile, QIODevice, QResource

    count = 0
    for activity in sorted(set(SUBJECTS) | set(SCENES)):
        rcc = _rcc_dir(root) / f"{activity}.rcc"
        if not QResource.registerResource(str(rcc)):
            raise ConfigError(f"{rcc} is not a readable Qt resource bundle.")
        try:
            prefix = f":/gcompris/src/activities/{activity}/resource/"
            it = QDirIterator(prefix, QDirIterator.IteratorFlag.Subdirectories)
            while it.hasNext():
                name = it.next()
                if not name.lower().endswith(".webp"):
                    continue
                f = QFile(name)
                if not f.open(QIODevice.OpenModeFlag.ReadOnly):
                    continue
                data = bytes(f.readAll().data())
                f.close()
                out = out_root / activity / name[len(prefix):]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
                count += 1
        finally:
            QResource.unregisterResource(str(rcc))
    (out_root / DONE).touch()
    return count


def _files(root: Path, table: dict) -> list[tuple[str, Path]]:
    base = Path(root) / "gcompris"
    out = []
    for activity, subdirs in table.items():
        for sub in (subdirs,) if isinstance(subdirs, str) else subdirs:
            for p in sorted((base / activity / sub).rglob("*.webp")):
                out.append((f"{activity}/{p.relative_to(base / activity).as_posix()}", p))
    return out


def subject_photos(root: Path) -> list[tuple[str, Path]]:
    """(relative id, file) of photos with one clear subject."""
    return _files(root, SUBJECTS)


def scene_photos(root: Path) -> list[tuple[str, Path]]:
    return _files(root, SCENES)
