"""The edit view's tool bar: which tool, the brush's settings, before/after, undo and redo.

Only widgets and their values; the canvas reads ``tool``/``brush`` and the
window connects the buttons.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

#: The tools, in the order the buttons show them: (id, label, tooltip).
TOOLS = (
    ("click", "Click", "Left click adds the part under the pointer; right-click or Alt+click removes it"),
    ("brush", "Brush", "Paint to erase or restore; drag with the middle button or Space held to pan"),
    ("arrange", "Arrange", "Drag to move the subject, wheel to scale, Shift+wheel to rotate; "
                           "drag the caption to move it"),
)
DEFAULT_BRUSH_SIZE, MAX_BRUSH_SIZE = 24, 200


class EditTools(QWidget):
    toolChanged = Signal(str)
    beforeToggled = Signal(bool)
    undoRequested = Signal()
    redoRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        for i, (name, label, tip) in enumerate(TOOLS):
            b = QPushButton(label)
            b.setCheckable(True)
            b.setObjectName(("SegmentFirst", "SegmentMiddle", "SegmentLast")[i])
            b.setToolTip(tip)
            b.setAccessibleName(f"{label} tool")
            self.group.addButton(b, i)
            self.buttons[name] = b
            row.addWidget(b)
        self.buttons["click"].setChecked(True)
        self.group.idClicked.connect(lambda i: self.toolChanged.emit(TOOLS[i][0]))
        row.addSpacing(12)
        self.mode = QComboBox()
        self.mode.addItems(["Erase", "Restore"])
        self.mode.setAccessibleName("Brush mode")
        self.size = self._slider("Brush size in the photo's pixels", 1, MAX_BRUSH_SIZE, DEFAULT_BRUSH_SIZE)
        self.softness = self._slider("Brush softness", 0, 100, 0)
        self.edge_aware = QCheckBox("Edge-aware")
        self.edge_aware.setToolTip("Keep the stroke on its side of the nearest edge in the photo")
        self.brush_widgets = [self.mode, QLabel("Size"), self.size, QLabel("Soft"), self.softness, self.edge_aware]
        for w in self.brush_widgets:
            row.addWidget(w)
            row.addSpacing(6)
        row.addStretch(1)
        self.before = QPushButton("Before")
        self.before.setCheckable(True)
        self.before.setToolTip("Show the cut-out without your edits while pressed")
        self.before.toggled.connect(self.beforeToggled)
        self.undo = QPushButton("Undo")
        self.undo.setToolTip("Undo the last edit (Ctrl+Z)")
        self.undo.clicked.connect(self.undoRequested)
        self.redo = QPushButton("Redo")
        self.redo.setToolTip("Redo (Ctrl+Shift+Z)")
        self.redo.clicked.connect(self.redoRequested)
        for w in (self.before, self.undo, self.redo):
            row.addSpacing(6)
            row.addWidget(w)
        self.toolChanged.connect(self._show_brush_widgets)
        self._show_brush_widgets("click")

    def _slider(self, name: str, lo: int, hi: int, value: int) -> QSlider:
        s = QSlider(Qt.Orientation.Horizontal)
        s.setRange(lo, hi)
        s.setValue(value)
        s.setFixedWidth(90)
        s.setAccessibleName(name)
        s.setToolTip(name)
        return s

    def _show_brush_widgets(self, tool: str) -> None:
        for w in self.brush_widgets:
            w.setVisible(tool == "brush")

    @property
    def tool(self) -> str:
        return TOOLS[max(0, self.group.checkedId())][0]

    def set_tool(self, name: str) -> None:
        self.buttons[name].setChecked(True)
        self.toolChanged.emit(name)

    def set_history(self, can_undo: bool, can_redo: bool) -> None:
        self.undo.setEnabled(can_undo)
        self.redo.setEnabled(can_redo)

    @property
    def brush_mode(self) -> str:
        return "erase" if self.mode.currentIndex() == 0 else "restore"
