"""Images taken from public GitHub repositories, read from a local mirror.

The mirror (``/work/.mirror/OWNER+NAME/repo``, a bare git directory made by
the workplace's fetch of ``github:OWNER/NAME``) is read with ``git cat-file``
at a pinned commit, so the files are exactly the ones the data card names.
Only image files are copied, into ``<root>/github/OWNER+NAME/`` (gitignored);
a repository whose mirror or commit is missing is skipped with a message, and
the build goes on without it.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

MIRROR_ROOT = Path(os.environ.get("STICKERSTUDIO_GITHUB_MIRROR", "/work/.mirror"))
IMAGE = re.compile(r"\.(png|jpe?g|webp)$", re.IGNORECASE)
DONE = ".done"


@dataclass(frozen=True)
class Repo:
    slug: str  # OWNER/NAME
    commit: str
    include: str  # regex over paths inside the repository
    licence: str

    @property
    def key(self) -> str:
        return self.slug.replace("/", "+")


def _git(git_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=False, capture_output=True)


def extract(repo: Repo, root: Path, mirror_root: Path = MIRROR_ROOT, log=print) -> int:
    """Copy the repository's matching images at its pinned commit; return how many are there."""
    target = Path(root) / "github" / repo.key
    if (target / DONE).exists():
        return sum(1 for p in target.rglob("*") if IMAGE.search(p.name))
    git_dir = mirror_root / repo.key / "repo"
    listing = _git(git_dir, "ls-tree", "-r", "--name-only", repo.commit) if git_dir.is_dir() else None
    if listing is None or listing.returncode != 0:
        log(f"  skipped github:{repo.slug}@{repo.commit[:10]}: no local mirror with that commit "
            f"(fetch github:{repo.slug} first)")
        return 0
    pattern = re.compile(repo.include)
    count = 0
    for rel in listing.stdout.decode().splitlines():
        if not (IMAGE.search(rel) and pattern.search(rel)):
            continue
        blob = _git(git_dir, "cat-file", "blob", f"{repo.commit}:{rel}")
        if blob.returncode != 0 or not blob.stdout:
            continue  # a large file the snapshot left out
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(blob.stdout)
        count += 1
    (target / DONE).touch()
    return count


def cut_tiles(src_dir: Path, out_dir: Path, strips: tuple[str, ...], margin: int = 4) -> int:
    """Cut sample strips/grids (several generated pictures side by side) into one PNG per picture.

    A strip w×h holds round(w / h) pictures; a few pixels are trimmed off each
    edge so the white gutters between pictures do not become part of a sample.
    """
    from PIL import Image

    out_dir = Path(out_dir)
    if (out_dir / DONE).exists():
        return sum(1 for _ in out_dir.glob("*.png"))
    count = 0
    for rel in strips:
        path = Path(src_dir) / rel
        if not path.is_file():
            continue
        with Image.open(path) as im:
            im = im.convert("RGB")
            n = max(1, round(im.width / im.height))
            step = im.width / n
            for k in range(n):
                box = (int(k * step) + margin, margin, int((k + 1) * step) - margin, im.height - margin)
                out_dir.mkdir(parents=True, exist_ok=True)
                im.crop(box).save(out_dir / f"{Path(rel).stem}-t{k}.png")
                count += 1
    if count:
        (out_dir / DONE).touch()
    return count
