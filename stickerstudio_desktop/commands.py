"""The CLI's sub-commands: arguments → job options, job results → printed lines and an exit code.

Each takes the AppContext and the parsed arguments and returns an exit code;
``COMMANDS`` maps a sub-command's name to its function.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .errors import ModelError, UsageError
from .files import atomic_path
from .jobs.batch import BatchReport, Outcome, for_each
from .jobs.context import AppContext
from .jobs.inputs import expand_inputs, parse_emojis, parse_point, parse_selection

if TYPE_CHECKING:
    from .library.packs import Pack, PackStore

T = TypeVar("T")


def printable(path: Path | str) -> str:
    """A file name on one terminal line: control characters (newlines, escapes) become '?'."""
    return "".join(c if c.isprintable() else "?" for c in str(path))


def printer(show: Callable[[T], None]) -> Callable[[Outcome[T]], None]:
    """Per item: *show* prints a success on stdout, a failure is one line on stderr."""
    def on_outcome(outcome: Outcome[T]) -> None:
        if outcome.error is None:
            show(outcome.result)  # type: ignore[arg-type]
        else:
            print(f"error: {printable(outcome.item)}: {outcome.error}", file=sys.stderr)
    return on_outcome


def finish(report: BatchReport) -> int:
    """The summary line (for several items or any failure) and the exit code: 0 all went well, 1 not."""
    failed = len(report.failures)
    if report.total > 1 or failed:
        print(f"{report.succeeded} of {report.total} succeeded, {failed} failed.", file=sys.stderr)
    return 1 if failed else 0


def run_each(items: list[Path], work: Callable[[Path], T], show: Callable[[T], None]) -> int:
    """*work* on each item through the batch job, printing as it goes; the exit code."""
    return finish(for_each(items, work, on_outcome=printer(show)))


def _style(ctx: AppContext, args: argparse.Namespace):
    """The saved defaults with the flags given on top."""
    from .sticker.compose import StickerStyle
    from .sticker.fonts import resolve_font

    s = ctx.settings
    flags = {"text_color": args.color, "stroke_color": args.stroke, "position": args.position,
             "outline_px": args.outline, "shadow": True if args.shadow else None}
    style = replace(StickerStyle.from_settings(s, args.caption or ""), font=resolve_font(args.font or s.font).name,
                    **{k: v for k, v in flags.items() if v is not None})
    return style.validate()


def cmd_make(ctx: AppContext, args: argparse.Namespace) -> int:
    from .imaging.clips import is_clip
    from .jobs.animate import AnimatedItem, animate_one
    from .jobs.make import MadeItem, MakeOptions, make_batch, make_one
    from .sticker.presets import get_preset

    if args.pack and args.no_library:
        raise UsageError("--pack adds the sticker from the library to a pack, so it cannot go with --no-library.")
    if args.emoji and not args.pack:
        raise UsageError("--emoji is for the pack sticker; give --pack NAME too.")
    options = MakeOptions(style=_style(ctx, args), engine=args.engine or ctx.settings.engine,
                          selection=parse_selection(args.subjects),
                          clicks=tuple(parse_point(text, positive) for text, positive in args.clicks),
                          preset=get_preset(args.preset or ctx.settings.preset).name,
                          save=not args.no_library, output=args.output, overwrite=args.force,
                          pack=args.pack, emojis=parse_emojis(args.emoji))
    items = expand_inputs(args.inputs)
    if args.prompt:
        items.append(_generate(ctx, args))
    elif not items:
        raise UsageError("give at least one image (or a folder, or --prompt TEXT).")

    def show(item: MadeItem) -> None:
        made, enc = item.made, item.encoded
        where = (item.written.path if item.written else None) or (item.entry.path if item.entry else "(not saved)")
        note = f" [{made.analysis.note}]" if made.analysis.note else ""
        times = " ".join(f"{k}={v:.0f}ms" for k, v in made.timings.stages.items())
        print(f"{printable(where)}  {enc.size[0]}x{enc.size[1]} {enc.format} {len(enc.data) // 1024} KB  "
              f"engine={made.analysis.engine}{note}  {times}")

    clips = _clip_options(args, options)
    if any(is_clip(item) for item in items):  # clips take the animated path, photos the still one
        def work(item: Path):
            return animate_one(ctx, item, clips, many=len(items) > 1) if is_clip(item) \
                else make_one(ctx, item, options, len(items) > 1)
        return finish(for_each(items, work, on_outcome=printer(
            lambda item: show_clip(item) if isinstance(item, AnimatedItem) else show(item)), noun="Sticker"))
    if options.clicks:  # points belong to one image: a bad point is a usage error, not a failed item
        if len(items) != 1:
            raise UsageError("--include and --exclude are points in one image; give exactly one.")
        show(make_one(ctx, items[0], options))
        return 0
    return finish(make_batch(ctx, items, options, on_item=printer(show)))


def _clip_options(args: argparse.Namespace, options):
    """The make options, plus the clip flags, for the animated path."""
    from .jobs.animate import AnimateOptions

    return AnimateOptions(style=options.style, engine=options.engine, selection=options.selection,
                          clicks=options.clicks, preset=options.preset, start=args.start, end=args.end,
                          fps=args.fps, speed=args.speed, still=getattr(args, "still", False),
                          output=options.output, overwrite=options.overwrite, save=options.save)


def show_clip(item) -> None:
    """One line per animated sticker, and its message (a trim) on stderr."""
    enc = item.encoded
    where = (item.written.path if item.written else None) or (item.entry.path if item.entry else "(not saved)")
    print(f"{printable(where)}  {enc.size[0]}x{enc.size[1]} {enc.format} {len(enc.data) // 1024} KB  "
          f"{item.frames} frames, model on {item.model_runs}  engine={item.engine}")
    if item.message:
        print(f"note: {item.message}", file=sys.stderr)


def _generate(ctx: AppContext, args: argparse.Namespace) -> Path:
    """Text → image via the provider chain; the image is kept in the library."""
    from .jobs.control import ConsoleControl
    from .jobs.generate import GenerateOptions, generate_image

    done = generate_image(ctx, GenerateOptions(args.prompt, provider=args.provider, seed=args.seed),
                          ConsoleControl())
    print(f"generated by {done.image.provider} (seed {done.image.seed}): {done.entry.path}", file=sys.stderr)
    return done.entry.path


def cmd_mask(ctx: AppContext, args: argparse.Namespace) -> int:
    from PIL import Image

    from .imaging.clips import is_clip
    from .sticker.compose import StickerStyle

    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = args.engine or ctx.settings.engine
    items = expand_inputs(args.inputs)
    selection = parse_selection(args.subjects)
    clicks = [parse_point(text, positive) for text, positive in args.clicks]

    def work(item: Path) -> Path:
        if is_clip(item):  # one mask per frame, in a folder named after the clip
            from .jobs.animate import AnimateOptions, clip_masks

            return clip_masks(ctx, item, out_dir, AnimateOptions(
                StickerStyle(), engine=engine, selection=selection, clicks=tuple(clicks), start=args.start,
                end=args.end, fps=args.fps, speed=args.speed))
        mask = ctx.pipeline.mask(item, engine, selection, clicks)
        target = out_dir / f"{item.stem}.png"
        with atomic_path(target) as tmp:
            Image.fromarray(mask, "L").save(tmp, "PNG")
        return target

    if clicks:  # points belong to one image: a bad point is a usage error, not a failed item
        if len(items) != 1:
            raise UsageError("--include and --exclude are points in one image; give exactly one.")
        print(printable(work(items[0])))
        return 0
    return run_each(items, work, lambda target: print(printable(target)))


def cmd_classify(ctx: AppContext, args: argparse.Namespace) -> int:
    pipeline = ctx.pipeline
    if pipeline.classifier() is None:
        raise ModelError("No style classifier is installed; reinstall Sticker Studio.")
    import numpy as np

    def work(item: Path) -> dict[str, Any]:
        _, img = pipeline.load(item)
        res = pipeline.classify_rgb(np.asarray(img.convert("RGB")))
        return {"path": str(item), "style": res.style, "score": round(res.score, 4)}

    return run_each(expand_inputs(args.inputs), work, lambda row: print(json.dumps(row), flush=True))


def cmd_fonts(ctx: AppContext, args: argparse.Namespace) -> int:
    from .sticker.fonts import list_fonts

    for f in list_fonts():
        print(f"{f.name:<20} {f.license:<12} {f.path.name}")
    return 0


def cmd_models(ctx: AppContext, args: argparse.Namespace) -> int:
    from .engine.manifest import load_manifest, sha256_file
    from .engine.registry import ModelRegistry

    manifest = load_manifest()
    reg = ModelRegistry(manifest, ctx.paths)
    rows, bad = [], 0
    for name, spec in manifest.models.items():
        path = reg.path(spec)
        promoted = reg.promoted(name) is not None
        if not path.is_file() and not spec.bundled:
            status = "not bundled (used once the trainer promotes one)"
        elif not path.is_file():
            status = "missing" + (" (run `stickerstudio fetch-models`)" if spec.fetched else "")
            bad += 1
        elif promoted:
            status = "ok (promoted)"
        elif sha256_file(path) == spec.sha256:
            status = "ok"
        else:
            status = "CHECKSUM MISMATCH"
            bad += 1
        rows.append({"name": name, "kind": spec.kind, "version": reg.version(spec), "file": str(path),
                     "status": status, "license": spec.license})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(f"{r['name']:<18} {r['kind']:<10} {r['version']:<22} {r['status']:<10} {r['file']}")
        if manifest.routing:
            print("auto runs: " + " · ".join(f"{style} → {route}" for style, route in manifest.routing.items()))
    return 1 if bad else 0


def cmd_fetch_models(ctx: AppContext, args: argparse.Namespace) -> int:
    from .engine.fetch import fetch_all
    from .engine.manifest import load_manifest

    for path in fetch_all(load_manifest(), ctx.paths.model_cache):
        print(f"ok {path}")
    return 0


def cmd_selftest(ctx: AppContext, args: argparse.Namespace) -> int:
    from .selftest import run_selftest

    return run_selftest(args.home)


def cmd_pack(ctx: AppContext, args: argparse.Namespace) -> int:
    """``stickerstudio pack ACTION``: each action is one library or export job, printed."""
    from .jobs import packs as jobs

    store, name, action = ctx.library.packs, getattr(args, "name", None), args.pack_command
    if action == "list":
        for pack in store.all():
            print(f"{printable(pack.name)}\t{len(pack.stickers)} sticker{'s' * (len(pack.stickers) != 1)}"
                  f"\t{printable(pack.publisher)}")
        return 0
    if action == "export":
        done = jobs.export_pack(ctx, name, args.platform, Path(args.output), publisher=args.publisher,
                                overwrite=args.force)
        print(f"{printable(done.path)}  {len(done.stickers)} stickers for {done.platform}, "
              f"{done.reencoded} re-encoded to fit")
        return 0
    if action == "upload":
        from .jobs.control import ConsoleControl

        up = jobs.upload_to_telegram(ctx, name, args.user_id, set_name=args.set_name, control=ConsoleControl())
        print(f"{'created' if up.created else 'extended'} {up.set_name}: {up.added} stickers added  {up.link}")
        return 0
    if action == "show":
        pack = store.get(name)
    elif action == "create":
        pack = store.create(name, publisher=args.publisher or "", identifier=args.identifier)
    elif action == "edit":
        pack = store.set_details(name, publisher=args.publisher, identifier=args.identifier)
    elif action == "rename":
        pack = store.rename(name, args.new_name)
    elif action == "delete":
        store.delete(name)
        print(f"deleted the pack {printable(name)} (its stickers stay in the library)")
        return 0
    elif action == "add":
        entries = [jobs.find_sticker(ctx, ref) for ref in args.stickers]
        pack = jobs.add_to_pack(ctx, name, entries, parse_emojis(args.emoji), args.alt, create=not args.no_create)
    elif action == "remove":
        for ref in args.stickers:
            pack = store.remove(name, jobs.find_sticker(ctx, ref).id)
    else:
        assert action == "sticker", action
        pack = _edit_sticker(store, name, jobs.find_sticker(ctx, args.sticker).id, args)
    return _show_pack(pack, as_json=getattr(args, "json", False))


def _edit_sticker(store: PackStore, name: str, item_id: int, args: argparse.Namespace) -> Pack:
    pack = store.get(name)
    if args.emoji is not None:
        pack = store.set_emojis(name, item_id, parse_emojis(args.emoji))
    if args.alt is not None:
        pack = store.set_accessibility_text(name, item_id, args.alt)
    if args.position is not None:
        pack = store.move(name, item_id, args.position)
    if args.tray:
        pack = store.set_tray(name, item_id)
    return pack


def _show_pack(pack: Pack, as_json: bool = False) -> int:
    tray = pack.tray.entry.id if pack.tray else None
    if as_json:
        print(json.dumps({"name": pack.name, "identifier": pack.identifier, "publisher": pack.publisher,
                          "tray": tray, "stickers": [
                              {"position": s.position, "id": s.entry.id, "file": str(s.entry.path),
                               "title": s.entry.title, "emojis": list(s.emojis),
                               "accessibility_text": s.accessibility_text} for s in pack.stickers]},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{printable(pack.name)}  publisher={printable(pack.publisher) or '-'}  identifier={pack.identifier}")
    for s in pack.stickers:
        mark = "  tray" if s.entry.id == tray else ""
        print(f"{s.position:>3}. #{s.entry.id} {''.join(s.emojis) or '(no emoji)'}  "
              f"{printable(s.entry.path)}{mark}")
    return 0


def cmd_gui(ctx: AppContext, args: argparse.Namespace) -> int:
    try:
        from .ui.app import run_gui
    except ImportError as exc:  # PySide6 missing or broken
        raise UsageError(f"The window cannot start: {exc}.") from None
    return run_gui(ctx, image=getattr(args, "image", None), caption=getattr(args, "caption", None),
                   screenshot=getattr(args, "screenshot", None), view=getattr(args, "view", "create"))


COMMANDS: dict[str, Callable[[AppContext, argparse.Namespace], int]] = {
    "make": cmd_make, "mask": cmd_mask, "classify": cmd_classify, "fonts": cmd_fonts, "models": cmd_models,
    "fetch-models": cmd_fetch_models, "selftest": cmd_selftest, "gui": cmd_gui, "pack": cmd_pack,
}
