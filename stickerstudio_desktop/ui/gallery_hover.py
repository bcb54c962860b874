"""Animated stickers in the gallery play while the pointer rests on them.

The frames are decoded on a worker when the pointer enters an animated entry
and cycle through the item's icon; leaving (or hovering another entry) stops
the animation and puts the still thumbnail back.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from . import theme
from .gallery_tiles import frame_tiles
from .workers import Task


class HoverPlayer(QObject):
    """Plays the hovered item's animation in its icon; *entry_of(item)* gives its LibraryEntry."""

    def __init__(self, view: QListWidget, runner, entry_of, side: int) -> None:
        super().__init__(view)
        self.view, self.runner, self.entry_of, self.side = view, runner, entry_of, side
        self.item: QListWidgetItem | None = None
        self._still: QIcon | None = None
        self._frames: list[QIcon] = []
        self._durations: list[int] = []
        self.index = 0
        self._task: Task | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._advance)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def hover(self, item: QListWidgetItem | None) -> None:
        """The pointer is over *item* (None: over nothing, or it left the list)."""
        if item is self.item:
            return
        self.stop()
        entry = self.entry_of(item) if item is not None else None
        if entry is None or not entry.animated:
            return
        self.item, self._still = item, item.icon()
        side, colours, path = round(self.side * self.view.devicePixelRatioF()), theme.current(), entry.path

        def work(task: Task):
            return frame_tiles(path, side, colours, task.check_cancel)

        self._task = self.runner.submit(work, kind="hover", on_done=lambda result, it=item: self._start(it, result))

    def _start(self, item: QListWidgetItem, result) -> None:
        if item is not self.item or result is None:
            return
        dpr = self.view.devicePixelRatioF()
        self._frames = []
        for image in result[0]:
            pm = QPixmap.fromImage(image)
            pm.setDevicePixelRatio(dpr)
            self._frames.append(QIcon(pm))
        self._durations = result[1]
        self.index = -1
        self._advance()

    def _advance(self) -> None:
        if self.item is None or not self._frames:
            return
        self.index = (self.index + 1) % len(self._frames)
        self.item.setIcon(self._frames[self.index])
        self._timer.start(self._durations[self.index])

    def replace_still(self, item: QListWidgetItem, icon: QIcon) -> bool:
        """A thumbnail that arrives while *item* plays is kept for when it stops; False if it is not playing."""
        if item is not self.item:
            return False
        self._still = icon
        return True

    def stop(self) -> None:
        """Stop playing and put the still thumbnail back."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._timer.stop()
        if self.item is not None and self._still is not None:
            try:
                self.item.setIcon(self._still)
            except RuntimeError:  # the list was rebuilt and the item is gone
                pass
        self.item, self._still, self._frames, self._durations = None, None, [], []
