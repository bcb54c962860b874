"""The window's parts: prompt bar, editor side column, job footer, status-bar labels, export dialog.

Each owns its widgets and how they show a state; the main window only wires
them to the controller.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStatusBar,
    QVBoxLayout,
)

from . import theme
from .controls import StickerControls
from .icons import icon
from .steps import StepIndicator


def style_word(style) -> str:
    """What the user calls the picture: the classifier's "animated" is a drawing; unclassified is a photo."""
    return "drawing" if style is not None and style.style == "animated" else "photo"


class Card(QFrame):
    """A rounded card (the theme styles "Card") holding one row of widgets."""

    def __init__(self, margins: tuple[int, int, int, int], spacing: int) -> None:
        super().__init__()
        self.setObjectName("Card")
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(*margins)
        self.row.setSpacing(spacing)


class PromptBar(Card):
    """The text-to-image prompt with its Generate button."""

    generateRequested = Signal()

    def __init__(self, generate_action: QAction) -> None:
        super().__init__((12, 10, 12, 10), 8)
        pl = self.row
        self.icon_label = QLabel()
        pl.addWidget(self.icon_label)
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("Or describe a sticker to generate, e.g. “a corgi astronaut waving”")
        self.prompt.setAccessibleName("Text-to-image prompt")
        self.prompt.setToolTip("Describe an image; Generate asks your text-to-image provider for it")
        self.prompt.returnPressed.connect(self.generateRequested)
        pl.addWidget(self.prompt, 1)
        self.generate_button = QPushButton(icon("generate"), "Generate")
        self.generate_button.setToolTip(generate_action.toolTip())
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.clicked.connect(self.generateRequested)
        pl.addWidget(self.generate_button)

    def refresh_theme(self, device_pixel_ratio: float) -> None:
        self.icon_label.setPixmap(icon("generate", theme.current().accent).pixmap(QSize(20, 20), device_pixel_ratio))


class JobFooter(Card):
    """Steps with their timings, the progress bar and Cancel."""

    def __init__(self, cancel_action: QAction) -> None:
        super().__init__((14, 8, 10, 8), 12)
        fl = self.row
        self.steps = StepIndicator()
        fl.addWidget(self.steps, 1)
        prog = QVBoxLayout()
        prog.setSpacing(4)
        self.progress_label = QLabel("Ready")
        self.progress_label.setObjectName("Muted")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Progress")
        self.progress.setFixedWidth(220)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        prog.addWidget(self.progress_label)
        prog.addWidget(self.progress)
        fl.addLayout(prog)
        self.cancel_button = QPushButton(icon("stop"), "Cancel")
        self.cancel_button.setToolTip(cancel_action.toolTip())
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.clicked.connect(cancel_action.trigger)
        fl.addWidget(self.cancel_button)

    def show_progress(self, fraction: float, text: str = "") -> None:
        """*fraction* in [0, 1], or below 0 for "busy, length unknown"."""
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(1.0, fraction)))
        if text:
            self.progress_label.setText(text[:60])

    def show_ready(self, finished: bool) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000 if finished else 0)
        self.progress_label.setText("Ready")


class StatusLabels:
    """The status bar's permanent labels: style, engine, model versions, metrics."""

    def __init__(self, bar: QStatusBar) -> None:
        bar.setSizeGripEnabled(False)
        self.style_label = QLabel("Style: –")
        self.style_label.setToolTip("What the style classifier thinks the image is (photo or drawing)")
        self.engine_label = QLabel("")
        self.models_label = QLabel("Models: loading on first use")
        self.models_label.setToolTip("Model versions in use; a newly trained model is picked up automatically")
        self.metrics_label = QLabel("")
        for w in (self.style_label, self.engine_label, self.models_label, self.metrics_label):
            bar.addPermanentWidget(w)

    def show_analysis(self, analysis) -> None:
        """What the models said about the photo; None clears it."""
        if analysis is None:
            self.style_label.setText("Style: –")
            self.engine_label.setText("")
            return
        a = analysis
        if a.style is not None:
            self.style_label.setText(f"Style: {style_word(a.style)} ({a.style.score * 100:.0f}%)")
            self.style_label.setToolTip(f"Style classifier {a.style.model}: {a.style.style}")
        else:
            self.style_label.setText("Style: not classified")
            self.style_label.setToolTip("No style classifier is installed; the default engine was used.")
        self.engine_label.setText(f"Cut out by {a.engine}")
        self.engine_label.setToolTip(a.note or f"The subject was found by the {a.engine} model.")

    def show_models(self, versions: dict) -> None:
        if versions:
            self.models_label.setText("Models: " + ", ".join(sorted(versions.values())))
            self.models_label.setToolTip("\n".join(f"{k}: {v}" for k, v in sorted(versions.items())))

    def show_metrics(self, error: str | None, port: int, url: str) -> None:
        if error:
            self.metrics_label.setText("Metrics: off")
            self.metrics_label.setToolTip(error)
        else:
            self.metrics_label.setText(f"Metrics: 127.0.0.1:{port}")
            self.metrics_label.setToolTip(f"Prometheus metrics at {url}")


class EditorSide(QScrollArea):
    """The right-hand column: the style controls, Save / Export / Copy, and a line about the sticker."""

    def __init__(self, controls: StickerControls, save: QAction, export: QAction, copy: QAction) -> None:
        super().__init__()
        self.controls = controls
        self.save_button = QPushButton(icon("save", "#FFFFFF"), "Save to library")
        self.save_button.setObjectName("Primary")
        self.save_button.setToolTip(save.toolTip())
        self.save_button.setAccessibleName("Save to library")
        self.save_button.clicked.connect(save.trigger)
        self.export_button = QPushButton(icon("export"), "Export…")
        self.export_button.setToolTip(export.toolTip())
        self.export_button.clicked.connect(export.trigger)
        self.copy_button = QPushButton(icon("copy"), "Copy")
        self.copy_button.setToolTip(copy.toolTip())
        self.copy_button.clicked.connect(copy.trigger)
        controls.add_button(self.save_button)
        pair = QHBoxLayout()
        pair.setSpacing(8)
        pair.addWidget(self.export_button)
        pair.addWidget(self.copy_button)
        controls.buttons.addLayout(pair)
        self.info = QLabel()
        self.info.setObjectName("Muted")
        self.info.setWordWrap(True)
        self.info.setAccessibleName("About this sticker")
        controls.buttons.addSpacing(6)
        controls.buttons.addWidget(self.info)
        self.setWidget(controls)
        self.setWidgetResizable(True)
        self.setFixedWidth(360)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def show_sticker(self, sticker, source_label: str) -> None:
        """One line about the sticker in view (None: nothing)."""
        if sticker is None:
            self.info.setText("")
            return
        s = sticker
        if s.made is None:
            self.info.setText(f"Saved sticker, {s.pil.width}×{s.pil.height}. Export or copy it; open its "
                              "photo again to change it.")
            return
        a = s.made.analysis
        subj = f"{len(s.indices)} of {len(a.instances)} subject{'s' if len(a.instances) != 1 else ''}"
        w, h = a.source_size
        self.info.setText(f"{source_label}: {w}×{h} {style_word(a.style)} · {subj} · "
                          f"{s.pil.width}×{s.pil.height} sticker" + (f"\n{a.note}" if a.note else ""))

    def enable(self, has_sticker: bool, editable: bool) -> None:
        self.save_button.setEnabled(editable)
        self.export_button.setEnabled(has_sticker)
        self.copy_button.setEnabled(has_sticker)


def ask_export_path(parent, prefs, title: str, name: str, extension: str) -> Path | None:
    """The Save dialog for an export, starting in the last export folder (remembered)."""
    start = Path(prefs.text("export_dir", str(Path.home())))
    target, _ = QFileDialog.getSaveFileName(parent, title, str(start / f"{name}{extension}"),
                                            f"Sticker (*{extension});;All files (*)")
    if not target:
        return None
    prefs.set_text("export_dir", str(Path(target).parent))
    return Path(target)
