"""What every platform's pack export shares: rules as data, check → encode → write → re-read.

A platform module gives its Rules and how its files are laid out; this base
checks the whole pack before anything is written (the first violation is one
sentence naming the sticker and the rule), re-encodes through the export
presets only the stickers that do not already fit, writes atomically, then
reads what it wrote back and checks every sticker again.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence

from PIL import Image

from ..errors import ExportError, StickerStudioError
from ..files import atomic_dir, atomic_write_bytes
from ..library.packs import Pack, PackSticker
from ..sticker.animated import decode_animation, encode_animation
from ..sticker.animated_readback import is_animated_file, read_back
from ..sticker.presets import EncodedSticker, Preset, encode_sticker, get_preset, verify_encoded


@dataclass(frozen=True)
class Rules:
    """One platform's pack rules; the per-sticker size, format and byte limits are its export preset's."""

    platform: str  # as people write it, for messages
    preset: str  # the export preset each sticker must fit (stickerstudio_desktop/sticker/presets.py)
    min_stickers: int
    max_stickers: int
    min_emojis: int = 0
    max_emojis: int | None = None
    required: tuple[str, ...] = ("name",)  # pack fields the platform uses: present and at most max_text
    max_text: int = 128
    max_accessibility: int | None = None
    max_accessibility_animated: int | None = None  # where animated stickers get more (WhatsApp: 255)
    mixed: bool = True  # static and animated stickers in one pack

    @property
    def sticker_preset(self) -> Preset:
        return get_preset(self.preset)


@dataclass(frozen=True)
class ReadySticker:
    """A pack sticker as it will be written: its file name and checked bytes."""

    sticker: PackSticker
    file_name: str
    encoded: EncodedSticker
    reencoded: bool  # False: the library's own file already fitted and is used as it is


@dataclass(frozen=True)
class PackExport:
    path: Path
    platform: str
    stickers: tuple[ReadySticker, ...]

    @property
    def reencoded(self) -> int:
        return sum(s.reencoded for s in self.stickers)


def problem(sticker: PackSticker, rule: str) -> ExportError:
    """The one sentence for a sticker that breaks a rule: which one (place and caption), and the rule."""
    label = sticker.label
    return ExportError(f"{label[0].upper()}{label[1:]} {rule}.")


def size_problem(size: tuple[int, int], preset: Preset) -> str | None:
    """Whether *size* meets the preset's size rule, as the part of a sentence saying how it does not."""
    w, h = size
    side = preset.side
    if side is None or preset.size_rule == "full":
        return None
    if preset.size_rule == "exact" and (w, h) != (side, side):
        return f"is {w}×{h}, not {side}×{side}"
    if preset.size_rule == "fit" and max(w, h) != side:
        return f"is {w}×{h}; one side must be exactly {side} px and the other at most {side}"
    if max(w, h) > side:
        return f"is {w}×{h}, over {side} px"
    return None


def file_problem(data: bytes, preset: Preset, budget: int | None = None) -> str | None:
    """Decode *data* and say how it breaks the preset (format, size, bytes, and for an animated file
    its running time and frames), or None when it fits."""
    if is_animated_file(data):
        return animated_problem(data, preset, budget)
    budget = preset.max_bytes if budget is None else budget
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            fmt, size = im.format, im.size
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a bad file
        return f"cannot be decoded ({exc})"
    if fmt not in preset.formats:
        return f"is {fmt}, not {' or '.join(preset.formats)}"
    if budget is not None and len(data) > budget:
        return f"is {len(data) / 1024:.0f} KB, over {budget / 1024:.0f} KB"
    return size_problem(size, preset)


def animated_problem(data: bytes, preset: Preset, budget: int | None = None) -> str | None:
    """How an animated file breaks the preset's animated rules (the export's own check), or None."""
    try:
        animated_file(data, preset, budget)
    except ExportError as exc:
        return clause(exc)
    return None


def animated_file(data: bytes, preset: Preset, budget: int | None = None) -> EncodedSticker:
    """*data* as a checked animated sticker of *preset* (within *budget* if given); ExportError if not."""
    spec = preset.animated
    if spec is None:
        raise ExportError(f"It is animated and {preset.name} takes still stickers only.")
    if budget is not None:
        preset = replace(preset, animated=replace(spec, max_bytes=budget))
    got = read_back(data, spec.format)
    encoded = EncodedSticker(data, spec.format, got.size, None, got.transparent, frames=got.frames,
                             duration_ms=max(1, got.duration_ms))
    verify_encoded(data, encoded, preset)
    return encoded


class Platform:
    """Subclasses set ``rules`` and ``layout``; ``export`` is the whole job."""

    rules: Rules
    #: What ``export`` writes: a folder, or (WhatsApp) one file.
    suffix: str = ""

    # --- to override --------------------------------------------------------

    def check_pack(self, pack: Pack) -> None:
        """Rules beyond the shared ones (e.g. WhatsApp's tray); raise ExportError."""

    def sticker_budget(self, pack: Pack, sticker: PackSticker) -> int | None:
        """Bytes the encoded image may take (less than the preset's when the layout adds to it)."""
        return preset_budget(self.rules.sticker_preset, sticker)

    def finish(self, pack: Pack, ready: ReadySticker) -> bytes:
        """The sticker file's final bytes (WhatsApp adds its EXIF)."""
        return ready.encoded.data

    def layout(self, pack: Pack, ready: Sequence[ReadySticker]) -> dict[str, bytes]:
        """File name → bytes of everything the export holds."""
        raise NotImplementedError

    def write(self, files: Mapping[str, bytes], target: Path, overwrite: bool) -> None:
        """Into the folder *target* (new or empty; replaced only with *overwrite*), checked before it is kept."""
        try:
            with atomic_dir(target, replace=overwrite) as tmp:
                for name, data in files.items():
                    atomic_write_bytes(tmp / name, data)
                self.verify(self.read_back_dir(tmp))
        except FileExistsError:
            raise ExportError(f"{target} already exists and is not an empty folder; choose another "
                              "or allow overwriting.") from None
        except OSError as exc:
            raise ExportError(f"Could not write {target}: {exc.strerror or exc}.") from None

    def verify(self, files: Mapping[str, bytes]) -> None:
        """Check what was written, as read back from disk; ExportError if anything is off."""
        preset = self.rules.sticker_preset
        for name in self.sticker_names(files):
            issue = file_problem(files[name], preset)
            if issue:
                raise ExportError(f"The written {self.rules.platform} sticker {name} failed its check: it {issue}.")

    def sticker_names(self, files: Mapping[str, bytes]) -> list[str]:
        return sorted(n for n in files if Path(n).stem.isdigit())

    # --- the job ----------------------------------------------------------

    def export(self, pack: Pack, target: Path, *, publisher: str | None = None,
               overwrite: bool = False) -> PackExport:
        """Check, encode, write and re-check the pack; ExportError (nothing written) on any violation."""
        if publisher is not None:
            pack = replace(pack, publisher=" ".join(publisher.split()))
        target = Path(target)
        if self.suffix and target.suffix.lower() != self.suffix:
            raise ExportError(f"A {self.rules.platform} pack is written as one {self.suffix} file; "
                              f"name it like {target.stem or 'pack'}{self.suffix}.")
        self.check(pack)
        ready = self.prepare(pack)
        self.write(self.layout(pack, ready), target, overwrite)
        return PackExport(target, self.rules.platform, tuple(ready))

    def check(self, pack: Pack) -> None:
        """Every rule that needs no encoding, in the order a person would fix them."""
        r, stickers = self.rules, pack.stickers
        if len(stickers) < r.min_stickers:
            raise ExportError(f"The pack {pack.name!r} has {len(stickers)} sticker{'s' * (len(stickers) != 1)}; "
                              f"a {r.platform} pack needs at least {r.min_stickers}.")
        if len(stickers) > r.max_stickers:
            raise problem(stickers[r.max_stickers], f"is one too many: a {r.platform} pack takes at most "
                                                   f"{r.max_stickers} stickers")
        for field in r.required:
            value = getattr(pack, field)
            if not value:
                raise ExportError(f"The pack {pack.name!r} has no {field}; {r.platform} needs one.")
            if len(value) > r.max_text:
                raise ExportError(f"The pack's {field} has {len(value)} characters; {r.platform} allows "
                                  f"at most {r.max_text}.")
        kinds = {s.entry.animated for s in stickers}
        for s in stickers:
            if s.entry.animated and not r.mixed and kinds == {True, False}:
                raise problem(s, f"is animated and the others are static; {r.platform} never takes a mixed pack")
            n = len(s.emojis)
            if n < r.min_emojis:
                raise problem(s, f"has no emoji; {r.platform} needs {self._emoji_range()} per sticker")
            if r.max_emojis is not None and n > r.max_emojis:
                raise problem(s, f"has {n} emojis; {r.platform} takes {self._emoji_range()} per sticker")
            most = r.max_accessibility_animated if s.entry.animated else r.max_accessibility
            if most is not None and len(s.accessibility_text) > most:
                raise problem(s, f"has {len(s.accessibility_text)} characters of accessibility text; "
                                 f"{r.platform} allows at most {most}")
        self.check_pack(pack)

    def _emoji_range(self) -> str:
        r = self.rules
        return f"{r.min_emojis} to {r.max_emojis}" if r.max_emojis else f"at least {r.min_emojis}"

    def prepare(self, pack: Pack) -> list[ReadySticker]:
        """Each sticker's bytes: the library file when it already fits, else re-encoded from its master."""
        preset, ready = self.rules.sticker_preset, []
        width = max(2, len(str(len(pack.stickers))))
        for s in pack.stickers:
            budget = self.sticker_budget(pack, s)
            encoded, reencoded = self._library_file(s, preset, budget), False
            if encoded is None:
                encoded, reencoded = self._reencode(s, preset, budget), True
            item = ReadySticker(s, f"{s.position:0{width}d}{encoded.extension}", encoded, reencoded)
            ready.append(replace(item, encoded=replace(encoded, data=self.finish(pack, item))))
        return ready

    @staticmethod
    def _library_file(s: PackSticker, preset: Preset, budget: int | None) -> EncodedSticker | None:
        try:
            data = s.entry.path.read_bytes()
        except OSError:
            return None
        if s.entry.animated:
            try:
                return animated_file(data, preset, budget)
            except ExportError:
                return None
        if file_problem(data, preset, budget) is not None:
            return None
        with Image.open(io.BytesIO(data)) as im:
            fmt, size = im.format, im.size
        return EncodedSticker(data, fmt, size, None)  # type: ignore[arg-type]

    def _reencode(self, s: PackSticker, preset: Preset, budget: int | None) -> EncodedSticker:
        try:
            if s.entry.animated:  # from the library's animated file: there is no still master to start from
                spec = preset.animated
                if spec is None:
                    raise ExportError(f"{preset.name} takes still stickers only.")
                clip = decode_animation(s.entry.path.read_bytes())
                if len(clip.frames) > 1:
                    return encode_animation(clip, replace(preset, animated=replace(spec, max_bytes=budget)))
                return encode_sticker(clip.frames[0], replace(preset, max_bytes=budget))  # it does not move
            return encode_sticker(s.entry.image(), replace(preset, max_bytes=budget))
        except OSError as exc:
            raise problem(s, f"cannot be read ({exc.strerror or exc})") from None
        except StickerStudioError as exc:  # unreadable master, or no encoding within the limits
            raise problem(s, f"cannot be made for {self.rules.platform} ({clause(exc)})") from None

    @staticmethod
    def read_back_dir(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def preset_budget(preset: Preset, sticker: PackSticker) -> int | None:
    """The preset's byte limit for this sticker: its animated one when the sticker moves."""
    if sticker.entry.animated and preset.animated is not None:
        return preset.animated.max_bytes
    return preset.max_bytes


def clause(exc: Exception) -> str:
    """An error's sentence as a clause inside another one."""
    text = str(exc).rstrip(".")
    return text[:1].lower() + text[1:]


def emoji_list(ready: Sequence[ReadySticker]) -> bytes:
    """``emoji.txt``: sticker file stem → its emojis, as JSON (sticker-convert's layout)."""
    return json.dumps({Path(r.file_name).stem: "".join(r.sticker.emojis) for r in ready},
                      ensure_ascii=False, indent=1).encode()


def text_files(pack: Pack) -> dict[str, bytes]:
    """``title.txt`` and ``author.txt``, as third-party importers read them."""
    return {"title.txt": pack.name.encode(), "author.txt": pack.publisher.encode()}
