"""Start the window: ``stickerstudio`` / ``stickerstudio gui [IMAGE] [--caption T] [--screenshot PNG]``.

Start-up stays well under two seconds because nothing heavy is imported
before the window shows: the engine (onnxruntime, models) is built on a
worker right after, and the metrics server and training scheduler start
once the event loop runs. ``--screenshot`` renders the window off-screen
after the image is processed, saves it and exits.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from .. import __version__
from .qt_settings import APPLICATION, ORGANISATION

log = logging.getLogger(__name__)

SCREENSHOT_SIZE = (1320, 860)
#: A screenshot run gives up waiting for the engine after this long.
SCREENSHOT_TIMEOUT_MS = 180_000
VIEWS = ("create", "subjects", "edit", "gallery", "packs", "settings")


def ensure_qapp() -> QApplication:
    """The QApplication, created once, with name, icon and the light/dark theme."""
    from .icons import app_icon
    from .theme import apply_theme, follow_system

    qapp = QApplication.instance()
    if qapp is None:
        qapp = QApplication(sys.argv[:1])
    qapp.setOrganizationName(ORGANISATION)
    qapp.setApplicationName(APPLICATION)
    qapp.setApplicationDisplayName("Sticker Studio")
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName("stickerstudio")
    qapp.setWindowIcon(app_icon())
    if not qapp.property("stickerstudio_themed"):
        _register_emoji_font()
        apply_theme(qapp)
        follow_system(qapp, on_change=lambda: [getattr(w, "refresh_theme", w.update)()
                                               for w in qapp.topLevelWidgets()])
        qapp.setProperty("stickerstudio_themed", True)
    return qapp


def _display_problem(headless_ok: bool) -> str | None:
    """On Linux without a display Qt would abort; say so instead (screenshots go offscreen)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM") \
            or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if headless_ok:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    return ("There is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); "
            "run it in a desktop session, or use --screenshot, which renders off-screen.")


def _register_emoji_font() -> None:
    """Colour emoji in captions and titles even where the system has no emoji font (~10 ms)."""
    from PySide6.QtGui import QFontDatabase

    from ..sticker.fonts import EMOJI_FONT

    if EMOJI_FONT.path.is_file():
        QFontDatabase.addApplicationFont(str(EMOJI_FONT.path))


def create_window(app, **kwargs):
    from .main_window import MainWindow

    return MainWindow(app, **kwargs)


def run_gui(app, image: str | None = None, caption: str | None = None, screenshot: str | None = None,
            view: str = "create") -> int:
    """Open the window (returns the exit code), or render a screenshot and exit.

    *view* picks what a screenshot shows: the editor ("create"), the photo
    with its subjects ("subjects"), the edit view ("edit"), the gallery, its first pack ("packs")
    or the settings dialog.
    """
    problem = _display_problem(headless_ok=bool(screenshot))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    qapp = ensure_qapp()
    if screenshot:
        return _screenshot(qapp, app, image, caption, Path(screenshot), view)
    win = create_window(app)
    win.restore_geometry()
    win.show()
    if caption:
        win.controls.set_caption(caption)
    if image:
        win.open_paths([Path(image)])
    qapp.setQuitOnLastWindowClosed(not win.tray.available)
    qapp.aboutToQuit.connect(win.shutdown)
    return qapp.exec()


def _screenshot(qapp: QApplication, app, image: str | None, caption: str | None, target: Path,
                view: str) -> int:
    if view not in VIEWS:
        print(f"error: unknown view {view!r}; use one of {', '.join(VIEWS)}.", file=sys.stderr)
        return 2
    win = create_window(app, services=False, warm_up=False)
    win.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    win.resize(*SCREENSHOT_SIZE)
    win.show()
    state = {"code": 0, "done": False, "errors": []}
    win.controller.message.connect(lambda level, text: state["errors"].append(text) if level == "error" else None)

    def grab() -> None:
        if state["done"]:
            return
        if view in ("gallery", "packs"):
            win.show_gallery()
            if view == "packs":  # the first pack, its first sticker selected (the emoji field shows)
                names = win.controller.library.packs.names()
                win.gallery.show_pack(names[0] if names else None)
                win.gallery.select_first()
            _when_idle(win, lambda: QTimer.singleShot(100, lambda: _save(win)))
            return
        if view in ("subjects", "edit"):
            win.drop_zone.set_mode(view)
        if view == "settings":
            from .settings_dialog import SettingsDialog

            dlg = SettingsDialog(win.settings, win.paths, win)
            dlg.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            dlg.show()
            QTimer.singleShot(100, lambda: _save(dlg))
            return
        QTimer.singleShot(100, lambda: _save(win))

    def _save(widget) -> None:
        state["done"] = True
        target.parent.mkdir(parents=True, exist_ok=True)
        if not widget.grab().save(str(target), "PNG"):
            print(f"error: could not write {target}.", file=sys.stderr)
            state["code"] = 1
        for text in state["errors"]:
            print(f"error: {text}", file=sys.stderr)
            state["code"] = 1
        win.shutdown()
        qapp.exit(state["code"])

    def timeout() -> None:
        if not state["done"]:
            state["errors"].append("the image was still being processed when the screenshot was taken")
            _save(win)

    if caption:
        win.controls.set_caption(caption)
    if image:
        win.controller.idle.connect(grab)
        win.open_paths([Path(image)])
    else:
        win.controller.refresh_models()  # the status bar shows real model versions
        _when_idle(win, lambda: QTimer.singleShot(100, grab))
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, timeout)
    return qapp.exec()


def _when_idle(win, then) -> None:
    """Call *then* once no background task (thumbnails included) is running."""
    def check() -> None:
        if not win.controller.runner.settled:
            QTimer.singleShot(50, check)
        else:
            then()
    check()
