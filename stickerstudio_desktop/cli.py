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
from .packs.names import PLATFORM_NAMES

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


def _add_clip_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--start", type=float, metavar="S", help="clips: start this many seconds in")
    p.add_argument("--end", type=float, metavar="S", help="clips: end here (seconds into the file)")
    p.add_argument("--fps", type=float, metavar="N", help="clips: at most N frames a second")
    p.add_argument("--speed", type=float, default=1.0, metavar="K", help="clips: play K times as fast")


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
    _add_clip_options(mk)
    mk.add_argument("--still", action="store_true", help="a clip makes a still sticker of its frame at --start")
    mk.add_argument("-o", "--output", metavar="FILE_OR_DIR", help="also write the sticker here")
    mk.add_argument("--force", action="store_true", help="replace an existing --output file")
    mk.add_argument("--no-library", action="store_true", help="do not save into the library")
    mk.add_argument("--pack", metavar="NAME", help="also add to this sticker pack (made if new)")
    mk.add_argument("--emoji", action="append", default=[], metavar="E",
                    help="the pack sticker's emojis (1-3; default: suggested from the caption)")

    ms = sub.add_parser("mask", parents=[common], help="write 8-bit subject masks")
    ms.add_argument("inputs", nargs="+", metavar="INPUT_OR_DIR")
    ms.add_argument("-o", "--output", required=True, metavar="DIR")
    ms.add_argument("--engine", choices=ENGINES)
    _add_clip_options(ms)
    ms.add_argument("--subjects", default="all", help="auto (the whole main subject), all, or indices like 0,2")
    _add_point_options(ms)

    cl = sub.add_parser("classify", parents=[common], help="print each image's style as JSON lines")
    cl.add_argument("inputs", nargs="+", metavar="INPUT_OR_DIR")

    sub.add_parser("fonts", parents=[common], help="list bundled caption fonts")
    md = sub.add_parser("models", parents=[common], help="list models and verify checksums")
    md.add_argument("--json", action="store_true")
    sub.add_parser("fetch-models", parents=[common], help="download third-party weights into the model cache")

    _pack_parser(sub, common)

    gui = sub.add_parser("gui", parents=[common], help="open the window (default)")
    gui.add_argument("image", nargs="?")
    gui.add_argument("--caption", default=None)
    gui.add_argument("--screenshot", metavar="PNG", help="render the window to PNG after processing and exit")
    gui.add_argument("--view", choices=("create", "subjects", "gallery", "packs", "settings"), default="create",
                     help="what --screenshot shows")
    return parser


def _pack_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    pk = sub.add_parser("pack", parents=[common], help="sticker packs: list, show, create, fill and export them")
    act = pk.add_subparsers(dest="pack_command", metavar="ACTION", required=True)
    act.add_parser("list", parents=[common], help="the packs and how many stickers each has")
    show = act.add_parser("show", parents=[common], help="a pack's details and stickers in order")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    for action, what in (("create", "a new, empty pack"), ("edit", "change a pack's publisher or identifier")):
        details = act.add_parser(action, parents=[common], help=what)
        details.add_argument("name")
        details.add_argument("--publisher")
        details.add_argument("--identifier", help="letters, digits, '.', '-' and '_'")
    rename = act.add_parser("rename", parents=[common], help="give a pack another name")
    rename.add_argument("name")
    rename.add_argument("new_name")
    add = act.add_parser("add", parents=[common], help="add library stickers (by id or file) to a pack")
    add.add_argument("name")
    add.add_argument("stickers", nargs="+", metavar="ID_OR_FILE")
    add.add_argument("--emoji", action="append", default=[], metavar="E",
                     help="emojis (1-3; default: suggested from each caption)")
    add.add_argument("--alt", default="", metavar="TEXT", help="accessibility text")
    add.add_argument("--no-create", action="store_true", help="fail if the pack does not exist yet")
    sticker = act.add_parser("sticker", parents=[common], help="change one sticker of a pack")
    sticker.add_argument("name")
    sticker.add_argument("sticker", metavar="ID_OR_FILE")
    sticker.add_argument("--emoji", action="append", default=None, metavar="E", help="replace its emojis")
    sticker.add_argument("--alt", metavar="TEXT", help="replace its accessibility text")
    sticker.add_argument("--position", type=int, metavar="N", help="move it to place N (1 = first)")
    sticker.add_argument("--tray", action="store_true", help="make the tray icon from it")
    remove = act.add_parser("remove", parents=[common], help="take stickers out of a pack (they stay in the library)")
    remove.add_argument("name")
    remove.add_argument("stickers", nargs="+", metavar="ID_OR_FILE")
    delete = act.add_parser("delete", parents=[common], help="delete a pack (its stickers stay in the library)")
    delete.add_argument("name")
    export = act.add_parser("export", parents=[common], help="check a pack against a platform's rules and write it")
    export.add_argument("name")
    export.add_argument("--to", required=True, choices=PLATFORM_NAMES, dest="platform")
    export.add_argument("-o", "--output", required=True, metavar="FILE_OR_DIR",
                        help="whatsapp: FILE.wastickers; telegram, signal: a new or empty folder")
    export.add_argument("--publisher", help="publisher for this export (WhatsApp needs one)")
    export.add_argument("--force", action="store_true", help="replace an existing output")
    upload = act.add_parser("upload", parents=[common],
                            help="create or extend a Telegram sticker set (bot token: TELEGRAM_BOT_TOKEN or keyring)")
    upload.add_argument("name")
    upload.add_argument("--to", required=True, choices=("telegram",), dest="platform")
    upload.add_argument("--user-id", required=True, type=int, metavar="ID", help="the set owner's Telegram user id")
    upload.add_argument("--set-name", metavar="NAME", help="default: from the pack name, ending in _by_<bot>")


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
