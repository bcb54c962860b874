"""``stickerstudio``: the command line front door.

Batches go on past bad files; exit 0 when all went well, 1 when some failed
(one line each, a summary at the end), 2 for usage errors. No traceback
unless ``--debug``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import __version__
from .config.paths import HOME_ENV, app_paths
from .config.settings import ENGINES, Settings, load_settings
from .errors import ConfigError, StickerStudioError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"}

log = logging.getLogger("stickerstudio")


class UsageError(StickerStudioError):
    """Bad command-line usage: exit code 2."""


def _common(sub: bool) -> argparse.ArgumentParser:
    # On sub-commands the defaults are SUPPRESS so they don't overwrite the top level's.
    d = (lambda v: argparse.SUPPRESS) if sub else (lambda v: v)
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--home", metavar="DIR", default=d(None),
                   help=f"keep all per-user state under DIR (same as {HOME_ENV})")
    p.add_argument("--debug", action="store_true", default=d(False), help="show tracebacks and debug logs")
    p.add_argument("--threads", type=int, metavar="N", default=d(None), help="CPU threads for inference (0 = auto)")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stickerstudio", parents=[_common(False)],
                                     description="Turn a photo or a prompt into a chat-ready sticker.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--selftest", action="store_true", help="check models and make one sticker, then exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common(True)

    mk = sub.add_parser("make", parents=[common], help="make stickers from images or a prompt")
    mk.add_argument("inputs", nargs="*", metavar="INPUT", help="image files or folders")
    mk.add_argument("--prompt", help="generate the image from this text first")
    mk.add_argument("--provider", choices=("stability", "modelslab", "local"), help="text-to-image provider")
    mk.add_argument("--seed", type=int, help="seed for text-to-image")
    mk.add_argument("--caption", default="", help="caption text (emoji welcome)")
    mk.add_argument("--font", help="caption font (see `stickerstudio fonts`)")
    mk.add_argument("--color", help="caption colour, e.g. #FFFFFF")
    mk.add_argument("--stroke", help="caption outline colour, e.g. #000000")
    mk.add_argument("--position", choices=("top", "bottom"))
    mk.add_argument("--outline", type=int, metavar="PX", help="white outline width at 512 px")
    mk.add_argument("--shadow", action="store_true", default=None, help="add a soft drop shadow")
    mk.add_argument("--preset", help="whatsapp, telegram, signal, discord or png")
    mk.add_argument("--engine", choices=ENGINES)
    mk.add_argument("--subjects", default="auto", help="auto, all, or indices like 0,2")
    mk.add_argument("-o", "--output", metavar="FILE_OR_DIR", help="also write the sticker here")
    mk.add_argument("--force", action="store_true", help="replace an existing --output file")
    mk.add_argument("--no-library", action="store_true", help="do not save into the library")

    ms = sub.add_parser("mask", parents=[common], help="write 8-bit subject masks")
    ms.add_argument("inputs", nargs="+", metavar="INPUT_OR_DIR")
    ms.add_argument("-o", "--output", required=True, metavar="DIR")
    ms.add_argument("--engine", choices=ENGINES)

    cl = sub.add_parser("classify", parents=[common], help="print each image's style as JSON lines")
    cl.add_argument("inputs", nargs="+", metavar="INPUT_OR_DIR")

    sub.add_parser("fonts", parents=[common], help="list bundled caption fonts")
    md = sub.add_parser("models", parents=[common], help="list models and verify checksums")
    md.add_argument("--json", action="store_true")
    sub.add_parser("fetch-models", parents=[common], help="download third-party weights into the model cache")

    gui = sub.add_parser("gui", parents=[common], help="open the window (default)")
    gui.add_argument("image", nargs="?")
    gui.add_argument("--caption", default=None)
    gui.add_argument("--screenshot", metavar="PNG", help="render the window to PNG after processing and exit")
    gui.add_argument("--view", choices=("create", "subjects", "gallery", "settings"), default="create",
                     help="what --screenshot shows")
    return parser


def expand_inputs(inputs: Iterable[str]) -> list[Path]:
    """Files as given; folders expand to their image files, sorted."""
    out: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(c for c in p.iterdir() if c.suffix.lower() in IMAGE_SUFFIXES and not c.name.startswith(".")))
        else:
            out.append(p)
    return out


def parse_selection(text: str):
    text = text.strip().lower()
    if text in ("auto", "all"):
        return text
    try:
        return [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise UsageError(f"--subjects must be auto, all or numbers like 0,2, not {text!r}.") from None


def printable(path: Path | str) -> str:
    """A file name on one terminal line: control characters (newlines, escapes) become '?'."""
    return "".join(c if c.isprintable() else "?" for c in str(path))


def run_batch(items: Sequence[Path], work: Callable[[Path], None]) -> int:
    """Run *work* on each item; one line per failure, a summary, exit 0 or 1."""
    failed = 0
    for item in items:
        try:
            work(item)
        except StickerStudioError as exc:
            failed += 1
            print(f"error: {printable(item)}: {exc}", file=sys.stderr)
    if len(items) > 1 or failed:
        print(f"{len(items) - failed} of {len(items)} succeeded, {failed} failed.", file=sys.stderr)
    return 1 if failed else 0


class App:
    """Lazily built pieces shared by the sub-commands."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.paths = app_paths(args.home)
        self.settings: Settings = load_settings(self.paths.settings_file)
        if args.threads is not None:
            self.settings.cpu_threads = args.threads
            self.settings.validate()
        self._pipeline = None

    @property
    def pipeline(self):
        if self._pipeline is None:
            from .engine.pipeline import Pipeline
            self._pipeline = Pipeline(paths=self.paths, threads=self.settings.cpu_threads,
                                      max_pixels=int(self.settings.max_megapixels * 1_000_000))
        return self._pipeline


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.home:
        os.environ[HOME_ENV] = str(Path(args.home).expanduser().resolve())
    command = args.command or ("selftest" if args.selftest else "gui")
    try:
        app = App(args)
        from . import commands
        handler = getattr(commands, "cmd_" + command.replace("-", "_"))
        return handler(app, args)
    except UsageError as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StickerStudioError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
