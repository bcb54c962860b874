"""WhatsApp: a ``.wastickers`` zip with ``contents.json``, 512×512 WebPs, a tray PNG, title and author.

The rules are those of WhatsApp's sample app (``StickerPackValidator`` and its
README); each WebP also carries its emojis in WhatsApp's EXIF block.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import BinaryIO, Mapping, Sequence

from PIL import Image

from ..errors import ExportError
from ..library.packs import Pack, PackSticker
from ..sticker.animated_readback import is_animated_file
from ..sticker.presets import Preset, encode_sticker, write_checked
from .base import Platform, ReadySticker, Rules, clause, file_problem, preset_budget, text_files
from .webp_exif import add_exif, chunk_size, read_sticker_json, sticker_exif

RULES = Rules(platform="WhatsApp", preset="whatsapp", min_stickers=3, max_stickers=30, min_emojis=1,
              max_emojis=3, required=("name", "publisher", "identifier"), max_text=128, max_accessibility=125,
              max_accessibility_animated=255, mixed=False)
#: The tray icon: 96×96 recommended, any square 24–512 px allowed, at most 50 KB.
TRAY = Preset("whatsapp-tray", "WhatsApp tray icon: 96×96 PNG, at most 50 KB", "exact", 96, ("PNG",), 50 * 1024)
TRAY_SIDES = (24, 512)
TRAY_FILE = "tray.png"
CONTENTS = "contents.json"


class WhatsApp(Platform):
    rules = RULES
    suffix = ".wastickers"

    def _exif(self, pack: Pack, sticker: PackSticker) -> bytes:
        return sticker_exif(pack.identifier, pack.name, pack.publisher, list(sticker.emojis))

    def sticker_budget(self, pack: Pack, sticker: PackSticker) -> int | None:
        return (preset_budget(self.rules.sticker_preset, sticker) or 0) - chunk_size(self._exif(pack, sticker))

    def finish(self, pack: Pack, ready: ReadySticker) -> bytes:
        return add_exif(ready.encoded.data, self._exif(pack, ready.sticker), ready.encoded.size)

    def layout(self, pack: Pack, ready: Sequence[ReadySticker]) -> dict[str, bytes]:
        tray = pack.tray
        assert tray is not None  # check() refused an empty pack
        try:
            tray_png = encode_sticker(tray.entry.image(), TRAY).data
        except ExportError as exc:
            raise ExportError(f"The tray icon cannot be made from {tray.label} ({clause(exc)}).") from None
        contents = {"android_play_store_link": "", "ios_app_store_link": "", "sticker_packs": [{
            "identifier": pack.identifier, "name": pack.name, "publisher": pack.publisher,
            "tray_image_file": TRAY_FILE, "image_data_version": "1", "avoid_cache": False,
            "publisher_email": "", "publisher_website": "", "privacy_policy_website": "",
            "license_agreement_website": "",
            "animated_sticker_pack": all(r.sticker.entry.animated for r in ready),
            "stickers": [{"image_file": r.file_name, "emojis": list(r.sticker.emojis),
                          "accessibility_text": r.sticker.accessibility_text} for r in ready],
        }]}
        return {CONTENTS: json.dumps(contents, ensure_ascii=False, indent=1).encode(), TRAY_FILE: tray_png,
                **text_files(pack), **{r.file_name: r.encoded.data for r in ready}}

    def write(self, files: Mapping[str, bytes], target: Path, overwrite: bool) -> None:
        def write(fh: BinaryIO) -> None:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, data in files.items():
                    zf.writestr(name, data)

        def verify(tmp: Path) -> None:
            try:
                with zipfile.ZipFile(tmp) as zf:
                    self.verify({n: zf.read(n) for n in zf.namelist()})
            except zipfile.BadZipFile as exc:
                raise ExportError(f"The written {target.name} is not a readable zip ({exc}).") from None

        write_checked(target, write, verify, overwrite=overwrite, what=f"the {self.suffix} pack")

    def verify(self, files: Mapping[str, bytes]) -> None:
        """Every rule again, on the zip as written: contents.json, each WebP and its EXIF, the tray."""
        super().verify(files)
        try:
            (pack,) = json.loads(files[CONTENTS])["sticker_packs"]
        except (KeyError, ValueError) as exc:
            raise ExportError(f"The written {CONTENTS} is not valid ({exc}).") from None
        listed = [s["image_file"] for s in pack["stickers"]]
        if sorted(listed) != self.sticker_names(files) or not all(n.endswith(".webp") for n in listed):
            raise ExportError(f"The written {CONTENTS} does not list the stickers in the pack.")
        if any(is_animated_file(files[n]) != bool(pack.get("animated_sticker_pack")) for n in listed):
            raise ExportError(f"The written {CONTENTS} says animated_sticker_pack is "
                              f"{bool(pack.get('animated_sticker_pack'))}, which some stickers are not.")
        for s in pack["stickers"]:
            if read_sticker_json(files[s["image_file"]]).get("emojis") != s["emojis"]:
                raise ExportError(f"The written sticker {s['image_file']} carries other emojis than {CONTENTS}.")
        tray = files.get(pack["tray_image_file"], b"")
        issue = file_problem(tray, TRAY)
        if issue is None:
            with Image.open(io.BytesIO(tray)) as im:
                side_ok = im.width == im.height and TRAY_SIDES[0] <= im.width <= TRAY_SIDES[1]
            issue = None if side_ok else f"is {im.width}×{im.height}"
        if issue:
            raise ExportError(f"The written tray icon failed its check: it {issue}.")
