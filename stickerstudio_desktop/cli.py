"""``stickerstudio``: the command line front door.

Batches go on past bad files; exit 0 when all went well, 1 when some failed
(one line each, a summary at the end), 2 for usage errors. No traceback
unless ``--debug``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import __version__
from .config.paths import HOME_ENV
from .engine.names import ENGINES
from .errors import ConfigError, StickerStudioError, UsageError

if TYPE_CHECKING:
    from .jobs.context import AppContext

__all__ = ["App", "UsageError", "build_parser", "main"]

log = logging.getLogger("stickerstudio")


def _common(sub: bool) -> argparse.ArgumentParser:
    # On sub-commands the defaults are SUPPRESS so they don't overwrite the top level's.
    d = (lambda v: argparse.SUPPRESS) if sub else (lambda v: v)
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--home", metavar="DIR", default=d(None),
                   help=f"keep all per-user state under DIR (same as {HOME_ENV})")
    p.add_argument("--debug", action="store_true", default=d(False), help="show tracebacks and debug logs")
    p.add_argument("--threads", type=int, metavar="N", default=d(None), help="CPU threads for inference (0 = auto)")
    return p


class _PointAction(argparse.Action):
    """--include / --exclude into one list, so the clicks keep the order they were given in."""

    def __call__(self, parser, namespace, values, option_string=None):
        clicks = list(getattr(namespace, "clicks", None) or [])
        clicks.append((values, self.const))
        namespace.clicks = clicks


def _add_point_options(p: argparse.ArgumentParser) -> None:
    p.set_defaults(clicks=[])
    p.add_argument("--include", action=_PointAction, const=True, metavar="X,Y",
                   help="add the part under this point (image pixels; repeatable, applied in order)")
    p.add_argument("--exclude", action=_PointAction, const=False, metavar="X,Y",
                   help="remove the region under this point (repeatable, applied in order)")


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
    _add_point_options(mk)
    mk.add_argument("-o", "--output", metavar="FILE_OR_DIR", help="also write the sticker here")
    mk.add_argument("--force", action="store_true", help="replace an existing --output file")
    mk.add_argument("--no-library", action="store_true", help="do not save into the library")

    ms = sub.add_parser("mask", parents=[common], help="write 8-bit subject masks")
    ms.add_argument("inputs", nargs="+", metavar="INPUT_OR_DIR")
    ms.add_argument("-o", "--output", required=True, metavar="DIR")
    ms.add_argument("--engine", choices=ENGINES)
    ms.add_argument("--subjects", default="all", help="auto (the whole main subject), all, or indices like 0,2")
    _add_point_options(ms)

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


def App(args: argparse.Namespace) -> AppContext:  # noqa: N802 - the old class name, kept for callers
    """The AppContext for parsed arguments (benchmarks/bench_gui_startup.py still builds it this way)."""
    from .jobs.context import AppContext

    return AppContext.create(args.home, args.threads)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.home:
        os.environ[HOME_ENV] = str(Path(args.home).expanduser().resolve())
    command = args.command or ("selftest" if args.selftest else "gui")
    try:
        from .commands import COMMANDS

        ctx = App(args)
        if ctx.store.problem:
            print(f"warning: {ctx.store.problem}", file=sys.stderr)
        return COMMANDS[command](ctx, args)
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
