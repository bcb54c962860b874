"""The editor's state and the work behind every button, off the GUI thread.

Widgets call methods here and listen to signals; this object owns the
current photo, its analysis, the style and the finished sticker. Model work
(analyse, batch, download, generate) runs on the TaskRunner; a caption,
font or colour change only re-composes from the cached analysis (the maker
caches the outline base), and compose requests coalesce so typing never
queues up work. Results of superseded requests are dropped by generation
number, so a slow old image can never overwrite a newer one.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Callable

from PIL import Image
from PySide6.QtCore import QMimeData, QObject, Signal

from ..errors import ExportError, StickerStudioError
from ..jobs import export as export_jobs
from ..jobs.batch import Outcome
from ..jobs.context import AppContext
from ..jobs.edit import EditHistory, Edits, apply_edits, edits_meta
from ..jobs.engines import ENGINE_CHOICES, engine_choice
from ..jobs.generate import GenerateOptions, generate_image
from ..jobs.inputs import expand_inputs, source_meta
from ..jobs.make import MadeItem, MakeOptions, analyse_source, make_batch
from ..jobs.reopen import plan_reopen
from ..sticker.compose import StickerStyle
from .clipboard import put_png_on_clipboard, release_clipboard
from .task_driver import TaskDriver
from .views import BatchItem, PhotoView, StickerView, edit_sticker_view, photo_view, sticker_view, to_qimage
from .workers import Task

log = logging.getLogger(__name__)

class EditorController(TaskDriver):
    photoChanged = Signal(object)  # PhotoView | None
    stickerChanged = Signal(object)  # StickerView | None
    timingsChanged = Signal(dict)  # step → ms
    saved = Signal(object, object)  # LibraryEntry, written file Path | None
    copied = Signal()
    modelsChanged = Signal(dict)
    libraryChanged = Signal()
    styleRestored = Signal(object)  # StickerStyle from a re-opened sticker
    selectionChanged = Signal(object)
    editsChanged = Signal(object)  # Edits: what undo / redo can do changed
    clipOpened = Signal(object)  # ClipView of the clip to trim

    def __init__(self, app: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.settings = settings = app.settings
        # editor state (GUI thread only)
        self.style = StickerStyle.from_settings(settings)
        self.engine = engine_choice(settings.engine)
        self.preset = settings.preset
        self.selection: Any = "auto"
        self.history = EditHistory()  # clicks, strokes and placement on the current photo
        self._edited_source: Any = None  # the photo the history belongs to
        self.source: Any = None
        self.source_label = ""
        self.clip_path: Path | None = None  # the clip on the timeline, None while a still is edited
        self.source_meta: dict[str, Any] = {}
        self.photo: PhotoView | None = None
        self.sticker: StickerView | None = None
        self.timings: dict[str, float] = {}
        # bookkeeping
        self._generation = 0
        self._load_task: Task | None = None
        self._compose_running = False
        self._compose_dirty = False
        self._static_hint_shown = False
        self._clipboard_mime: QMimeData | None = None
        #: How often a model ran / a sticker was composed (tests read these).
        self.analyse_runs = 0
        self.compose_runs = 0

    @property
    def library(self):
        return self.app.library

    @property
    def busy(self) -> bool:
        return super().busy or self._compose_running

    # -- inputs ------------------------------------------------------------------------------
    def open_path(self, path: str | Path) -> None:
        from ..imaging.clips import is_clip

        path = Path(path)
        if is_clip(path):
            self.open_clip(path)
            return
        self.load(path, path.name, source_meta(path))

    def open_clip(self, path: Path) -> None:
        """Decode a clip on a worker (Cancel stops waiting for it) and show it on the timeline."""
        from .clip_panel import load_clip_view

        def opened(result) -> None:
            view, note = result
            self._generation += 1  # a still still loading is dropped; Save/Export stop offering the last one
            self.sticker, self.photo = None, None
            self.stickerChanged.emit(None)
            self.photoChanged.emit(None)
            self.clip_path = path
            self.clipOpened.emit(view)
            if note:
                self.message.emit("info", note)

        self._cancel_long()
        self._long_task = self._submit(lambda task: load_clip_view(path, task.check_cancel), "clip", opened,
                                       busy=f"Reading {path.name}…")

    def make_clip(self, start: float, end: float, speed: float = 1.0) -> None:
        """The animated sticker of [start, end] of the clip shown at *speed*, saved to the library (jobs.animate)."""
        from ..jobs.animate import AnimateOptions, animate_one

        if self.clip_path is None:
            return
        path = self.clip_path
        options = AnimateOptions(style=self.style, engine=self.engine, preset=self.preset, start=start, end=end,
                                  speed=speed)

        def made(item) -> None:
            kb = len(item.encoded.data) / 1024
            text = f"Saved an animated sticker of {item.frames} frames ({kb:.0f} KB {item.encoded.format})."
            self.message.emit("success", f"{item.message} {text}".strip() if item.message else text)
            self.libraryChanged.emit()

        self._cancel_long()
        self._long_task = self._submit(lambda task: animate_one(self.app, path, options, task), "clip", made,
                                       busy=f"Making the animated sticker from {path.name}…",
                                       on_progress=lambda f, t: self.progressChanged.emit(f, t))

    def open_paths(self, paths: list[Path]) -> None:
        """One file opens in the editor; several (or a folder) become a batch."""
        items = expand_inputs(str(p) for p in paths)
        if not items:
            self._error("There are no images in what was dropped.")
        elif len(items) == 1:
            self.open_path(items[0])
        else:
            self.run_batch(items)

    def open_bytes(self, data: bytes, label: str, meta: dict[str, Any] | None = None) -> None:
        self.load(bytes(data), label, meta or {"source_name": label})

    def open_url(self, url: str) -> None:
        from ..jobs.download import check_url, download_image, url_name

        try:
            url = check_url(url)
        except StickerStudioError as exc:
            self._error(str(exc))
            return
        name = url_name(url)
        self._cancel_long()
        self._long_task = self._submit(
            lambda task: download_image(url, task.cancel_event), "download",
            lambda data: self.load(data, name, {"source_name": name, "source_url": url}),
            busy=f"Downloading {name}…")

    def load(self, source: Any, label: str, meta: dict[str, Any] | None = None,
             selection: Any = None, edits: Edits | None = None) -> None:
        """Analyse *source* (path, bytes) and compose it with the current style.

        Without an explicit *selection*, "all subjects" carries over; picked
        indices do not (they belong to the previous image).
        """
        if selection is None:
            selection = self.selection if self.selection == "all" else "auto"
        self.clip_path = None
        self._generation += 1
        gen = self._generation
        if self._load_task is not None:
            self._load_task.cancel()
        self.source, self.source_label, self.source_meta = source, label, dict(meta or {})
        self.selection = selection
        self.selectionChanged.emit(self.selection)
        if edits is not None or source != self._edited_source:
            self.history = EditHistory(edits or Edits())  # edits belong to the photo they were made on
            self._edited_source = source
            self.editsChanged.emit(self.edits)
        style, engine, current = self.style, self.engine, self.edits
        self.stepChanged.emit("analyse")

        def work(task: Task):
            analysis = analyse_source(self.app, source, engine, label)
            task.check_cancel()
            photo = photo_view(analysis)
            task.report(-1, "Composing…")
            try:
                sticker, error = self._compose_now(analysis, style, selection, current), None
            except StickerStudioError as exc:
                sticker, error = None, str(exc)
            return gen, photo, sticker, style, error, self.app.pipeline.model_versions()

        def done(result) -> None:
            rgen, photo, sticker, used_style, error, versions = result
            self.modelsChanged.emit(versions)
            if rgen != self._generation:
                return
            self.analyse_runs += 1
            self.photo = photo
            self.photoChanged.emit(photo)
            self._show_sticker(sticker)
            if error:
                self._error(error)
            if used_style != self.style:  # the caption changed while the model ran
                self._request_compose()

        def failed(text: str) -> None:
            if gen == self._generation:
                self._error(text)

        self._load_task = self._submit(work, "analyse", done, failed, busy=f"Cutting out {label}…",
                                       on_progress=self._progress_for(gen))

    def _progress_for(self, gen: int) -> Callable[[float, str], None]:
        def progress(fraction: float, text: str) -> None:
            if gen == self._generation:
                self.stepChanged.emit("compose")
                self.progressChanged.emit(fraction, text)
        return progress

    # -- composing -------------------------------------------------------------------------
    def _compose_now(self, analysis, style: StickerStyle, selection, edits: Edits) -> StickerView:
        """Worker side: compose with the edits and convert for display (the edit view's images too)."""
        maker = self.app.maker
        before = maker.pipeline.cutout(analysis, selection).image
        return edit_sticker_view(apply_edits(maker, analysis, edits, style, selection), edits, before)

    def _show_sticker(self, sticker: StickerView | None) -> None:
        if sticker is not None:
            self.compose_runs += 1
            self.timings = dict(sticker.made.timings.stages) if sticker.made else {}
            self.timingsChanged.emit(self.timings)
        self.sticker = sticker
        self.stickerChanged.emit(sticker)

    def set_style(self, style: StickerStyle) -> None:
        if style == self.style:
            return
        self.style = style
        if self.sticker is not None and self.sticker.made is None and not self._static_hint_shown:
            self._static_hint_shown = True
            self.message.emit("info", "This sticker was saved without its photo; open the photo again "
                                      "to change its caption or style.")
        self._request_compose()

    def _request_compose(self) -> None:
        if self.photo is None or self.runner.active("analyse"):
            return  # a running load composes with the newest style when it lands
        if self._compose_running:
            self._compose_dirty = True
            return
        self._compose_running = True
        self._compose_dirty = False
        gen, analysis, style, selection = self._generation, self.photo.analysis, self.style, self.selection
        edits = self.edits
        self.stepChanged.emit("compose")

        def done(sticker: StickerView) -> None:
            self._compose_running = False
            if gen == self._generation:
                self._show_sticker(sticker)
            self._after_compose()

        def failed(text: str) -> None:
            self._compose_running = False
            if gen == self._generation:
                self._error(text)
            self._after_compose()

        self._submit(lambda task: self._compose_now(analysis, style, selection, edits), "compose", done, failed)

    def _after_compose(self) -> None:
        if self._compose_dirty:
            self._request_compose()

    def set_selection(self, selection: Any) -> None:
        self.selection = selection
        self.selectionChanged.emit(selection)
        self._request_compose()

    def toggle_subject(self, index: int) -> None:
        """Include or exclude one detected subject (click in the Subjects view)."""
        if self.photo is None:
            return
        current = set(self.sticker.indices) if self.sticker and self.sticker.made else set()
        current ^= {index}
        if not current:
            self.message.emit("info", "A sticker needs at least one subject; click another one first.")
            return
        n = len(self.photo.analysis.instances)
        self.set_selection("all" if len(current) == n and n > 1 else sorted(current))

    def set_all_subjects(self, on: bool) -> None:
        self.set_selection("all" if on else "auto")

    # -- edits (clicks, brush, arrange; undo / redo) -------------------------------------------
    @property
    def edits(self) -> Edits:
        return self.history.current

    def edit(self, edits: Edits) -> None:
        """Make *edits* current (one undo step) and re-make the sticker from the photo off the GUI thread."""
        if self.photo is None or edits == self.edits:
            return
        self.history.push(edits)
        self.editsChanged.emit(edits)
        self._request_compose()

    def undo_edit(self) -> None:
        if self.history.can_undo:
            self.editsChanged.emit(self.history.undo())
            self._request_compose()

    def redo_edit(self) -> None:
        if self.history.can_redo:
            self.editsChanged.emit(self.history.redo())
            self._request_compose()

    def source_scale(self) -> float:
        """Source pixels per working-copy pixel (edits are stored in the source's pixels)."""
        a = self.photo.analysis
        return a.source_size[0] / a.rgb.shape[1]

    def set_engine(self, choice: str) -> None:
        if choice not in ENGINE_CHOICES or choice == self.engine:
            return
        self.engine = choice
        if self.source is not None:
            self.load(self.source, self.source_label, self.source_meta)

    def set_preset(self, name: str) -> None:
        self.preset = name

    # -- outputs ---------------------------------------------------------------------------
    def current_image(self) -> Image.Image | None:
        return self.sticker.pil if self.sticker is not None else None

    def save(self, target: Path | None = None) -> None:
        """Into the library (and *target*, when given); a re-opened sticker only exports."""
        if self.sticker is None:
            self._error("There is no sticker to save yet; drop a photo first.")
            return
        sticker, preset, meta = self.sticker, self.preset, dict(self.source_meta)
        if sticker.edits is not None:
            meta.update(edits_meta(sticker.edits))  # stored so the sticker re-opens editable
        if sticker.made is None:
            if target is None:
                self.message.emit("info", "This sticker is already in the library.")
            else:
                self.export_image(sticker.pil, preset, target)
            return
        self.stepChanged.emit("save")

        def work(task: Task):
            t0 = time.perf_counter()
            saved = export_jobs.save_sticker(self.app, sticker.made, preset, meta, target)
            return saved.entry, saved.written, (time.perf_counter() - t0) * 1000

        def done(result) -> None:
            entry, written, ms = result
            self.timings = dict(sticker.made.timings.stages)
            self.timings["save"] = ms
            self.timingsChanged.emit(self.timings)
            self.saved.emit(entry, written)
            self.libraryChanged.emit()
            where = f" and to {written.name}" if written else ""
            note = f" ({written.note})" if written and written.note else ""
            self.message.emit("success", f"Saved “{entry.title or entry.path.stem}” to the library{where}.{note}")

        self._submit(work, "save", done, busy="Saving…")

    def export_image(self, image: Image.Image, preset: str, target: Path,
                     on_done: Callable[[Path], None] | None = None) -> None:
        """Encode *image* for *preset* and write it to *target* (no library entry)."""
        def work(task: Task):
            return export_jobs.export_image(image, preset, target)

        def done(written) -> None:
            note = f" {written.note}" if written.note else ""
            self.message.emit("success", f"Exported {written.name} for {preset}.{note}")
            if on_done:
                on_done(written)

        self._submit(work, "export", done)

    def export_entry(self, entry, preset: str, target: Path) -> None:
        """Re-export a library sticker from its full-size master."""
        self._submit(lambda task: export_jobs.read_library_image(entry), "export",
                     lambda image: self.export_image(image, preset, target))

    def copy(self, image: Image.Image | None = None) -> None:
        """Put the sticker on the clipboard as PNG with transparency."""
        image = image if image is not None else self.current_image()
        if image is None:
            self._error("There is no sticker to copy yet; drop a photo first.")
            return
        self._submit(lambda task: export_jobs.share_png(image), "copy", self._on_copied)

    def copy_entry(self, entry) -> None:
        self._submit(lambda task: export_jobs.share_png(export_jobs.read_library_image(entry)), "copy",
                     self._on_copied)

    def _on_copied(self, png: bytes) -> None:
        self._clipboard_mime = put_png_on_clipboard(png)
        self.copied.emit()
        self.message.emit("success", "Copied the sticker with its transparency; paste it into a chat.")

    def drag_file(self) -> Path:
        """Encode the sticker for the current preset into a temp file to drag out (GUI thread)."""
        image = self.current_image()
        if image is None:
            raise ExportError("There is no sticker to drag yet.")
        return export_jobs.write_drag_file(self.app, image, self.preset,
                                           self.style.caption or self.source_label or "sticker")

    # -- batch, generation -----------------------------------------------------------------
    def run_batch(self, paths: list[Path]) -> None:
        """Make and save a sticker for each file with the current style; bad files are skipped."""
        self._cancel_long()
        self._generation += 1
        gen, n = self._generation, len(paths)
        style, engine, preset = self.style, self.engine, self.preset
        self.stepChanged.emit("analyse")

        options = MakeOptions(style=style, engine=engine, preset=preset)

        def work(task: Task):
            def shown(outcome: Outcome[MadeItem]) -> None:  # views are built here, on the worker
                made = outcome.result.made if outcome.result else None
                task.emit_partial(BatchItem(outcome.item, outcome.error, photo_view(made.analysis) if made else None,
                                            sticker_view(made) if made else None))

            report = make_batch(self.app, paths, options, task, on_item=shown)
            return [f"{path.name}: {error}" for path, error in report.failures]

        def partial(item: BatchItem) -> None:
            if gen != self._generation or item.sticker is None:
                return
            self.analyse_runs += 1
            self.photo = item.photo
            self.source, self.source_label = item.path, item.path.name
            self.source_meta = source_meta(item.path)
            self.selection = "auto"
            self.photoChanged.emit(item.photo)
            self._show_sticker(item.sticker)
            self.libraryChanged.emit()

        def done(failures: list[str]) -> None:
            ok = n - len(failures)
            if failures:
                shown = "; ".join(failures[:3]) + (f"; and {len(failures) - 3} more" if len(failures) > 3 else "")
                self._error(f"Saved {ok} of {n} stickers to the library; {len(failures)} failed ({shown}).")
            else:
                self.message.emit("success", f"Saved all {n} stickers to the library.")
            self.libraryChanged.emit()

        def cancelled() -> None:
            self.message.emit("info", "The batch was cancelled; stickers made so far are in the library.")
            self.libraryChanged.emit()
            self._maybe_idle()

        self._long_task = self._submit(work, "batch", done, busy=f"Making {n} stickers…", on_partial=partial,
                                       on_progress=lambda f, t: self.progressChanged.emit(f, t),
                                       on_cancelled=cancelled)

    def generate(self, prompt: str) -> None:
        """Text → image with the configured providers, then into the editor."""
        self._cancel_long()
        options = GenerateOptions(prompt, setup_hint="Open Settings (Ctrl+,) to add one.")

        def work(task: Task):
            return generate_image(self.app, options, task)

        def done(generated) -> None:
            image = generated.image
            self.message.emit("info", f"Generated by {image.provider}.")
            # the generated image is in the library, so a sticker made from it re-opens editable (as from the CLI)
            self.load(image.data, prompt[:40], {**source_meta(generated.entry.path), "source_name": "generated",
                                                "prompt": prompt, "provider": image.provider, "seed": image.seed})

        def cancelled() -> None:
            self.message.emit("info", "Generation cancelled.")
            self._maybe_idle()

        self._long_task = self._submit(work, "generate", done, busy="Generating an image…", on_cancelled=cancelled,
                                       on_progress=lambda f, t: self.progressChanged.emit(f, t))

    def cancel(self) -> None:
        """Stop the long job; an analysis in flight is abandoned (its result is dropped)."""
        was_loading = bool(self.runner.active("analyse"))
        self._cancel_long()
        if was_loading:
            self._generation += 1
            self._load_task.cancel()
            self.message.emit("info", "Cancelled.")
        self._maybe_idle()

    # -- library ------------------------------------------------------------------------------
    def reopen(self, entry) -> None:
        """Back into the editor: from its photo when that still exists, else as a finished image."""
        plan = plan_reopen(entry, self.style)
        self.style = plan.style
        if plan.preset:
            self.preset = plan.preset
        self.styleRestored.emit(plan.style)
        if plan.problem:
            self.message.emit("info", plan.problem)
        if plan.source is not None:
            self.load(plan.source, plan.source.name, plan.meta, selection=plan.selection, edits=plan.edits)
            return
        self._generation += 1
        gen = self._generation

        def done(image: Image.Image) -> None:
            if gen != self._generation:
                return
            self.source, self.source_label, self.source_meta = None, entry.title, {}
            self.photo = None
            self.history, self._edited_source = EditHistory(), None  # a finished image has nothing to undo
            self.editsChanged.emit(self.edits)
            self.photoChanged.emit(None)
            self._static_hint_shown = False
            self.timings = {}
            self.timingsChanged.emit({})
            self._show_sticker(StickerView(to_qimage(image), image, None, entry))

        self._submit(lambda task: export_jobs.read_library_image(entry), "analyse", done, busy="Opening…")

    def delete_entry(self, entry) -> None:
        self.library.delete(entry.id)
        self.libraryChanged.emit()

    def undelete_entry(self, entry_id: int) -> None:
        self.library.undelete(entry_id)
        self.libraryChanged.emit()

    # -- models and lifetime ------------------------------------------------------------------
    def warm_up(self, preload: bool = True) -> None:
        """Build the pipeline (and load the default model) in the background after start-up."""
        def work(task: Task):
            pipeline = self.app.pipeline
            if preload:
                from ..engine.pipeline import SALIENT_DEFAULT

                try:
                    pipeline.salient(SALIENT_DEFAULT)
                except StickerStudioError as exc:
                    log.info("preloading %s skipped: %s", SALIENT_DEFAULT, exc)
            return pipeline.model_versions()

        self.runner.submit(work, kind="warmup", on_done=self.modelsChanged.emit,
                           on_failed=lambda text: self.message.emit("error", text))

    def refresh_models(self) -> None:
        self.runner.submit(lambda task: self.app.pipeline.model_versions(), kind="models",
                           on_done=self.modelsChanged.emit)

    def shutdown(self, wait_ms: int = 5000) -> None:
        self.runner.shutdown(wait_ms)
        release_clipboard(self._clipboard_mime)
        self._clipboard_mime = None
