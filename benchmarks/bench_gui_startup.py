"""Cold start of the window, measured in fresh interpreters.

Prints, as the median of N runs (each a new Python process, timed from just
before it is spawned):

* baseline: ``python -c "import PySide6.QtWidgets"`` (the floor for any Qt app),
* window: until the main window is shown and the event loop is running
  (the user can click), with the default start-up work (engine warm-up,
  metrics server, scheduler) scheduled exactly as ``stickerstudio`` does,
* first sticker: until a sticker from resources/samples/chelsea.jpg is on
  screen (includes lazy model loading), for context.

    STICKERSTUDIO_MODEL_CACHE=.cache/models python benchmarks/bench_gui_startup.py [--runs 5]

Uses the offscreen platform unless a display is set, and a throw-away
STICKERSTUDIO_HOME so no user state is touched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BASELINE = """
import os, time
import PySide6.QtWidgets
print(time.time() - float(os.environ["BENCH_T0"]))
"""

WINDOW = """
import os, sys, time
t0 = float(os.environ["BENCH_T0"])
from stickerstudio_desktop.cli import App, build_parser
from stickerstudio_desktop.ui.app import create_window, ensure_qapp

qapp = ensure_qapp()
win = create_window(App(build_parser().parse_args(["gui"])))
win.restore_geometry()
image = os.environ.get("BENCH_IMAGE")
out = {}

def finish():
    print(out["shown"], out.get("sticker", ""), flush=True)
    os._exit(0)  # teardown is not part of start-up

def shown():
    out["shown"] = time.time() - t0
    if not image:
        finish()

def sticker(view):
    if view is not None and "shown" in out:
        out["sticker"] = time.time() - t0
        finish()

win.shown.connect(shown)
win.controller.stickerChanged.connect(sticker)
win.show()
if image:
    win.open_paths([image])
qapp.exec()
"""


def run(code: str, env: dict[str, str]) -> list[float]:
    env = dict(env, BENCH_T0=repr(time.time()))
    res = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    if res.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{res.stderr[-2000:]}")
    return [float(x) for x in res.stdout.split()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("STICKERSTUDIO_MODEL_CACHE", str(ROOT / ".cache" / "models"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    base, window, first = [], [], []
    with tempfile.TemporaryDirectory(prefix="ss-bench-") as home:
        env["STICKERSTUDIO_HOME"] = home
        run(BASELINE, env)  # warm the OS file cache once
        run(WINDOW, env)
        for _ in range(args.runs):
            base += run(BASELINE, env)
            window += run(WINDOW, env)[:1]
            first += run(WINDOW, dict(env, BENCH_IMAGE=str(ROOT / "resources" / "samples" / "chelsea.jpg")))[1:]

    def fmt(xs: list[float]) -> str:
        return f"median {statistics.median(xs) * 1000:6.0f} ms  (min {min(xs) * 1000:.0f}, max {max(xs) * 1000:.0f})"

    print(f"platform: {env.get('QT_QPA_PLATFORM', 'native')}, {args.runs} runs, {os.cpu_count()} CPUs")
    print(f"baseline  import PySide6.QtWidgets : {fmt(base)}")
    print(f"window    shown and interactive    : {fmt(window)}")
    extra = statistics.median(window) - statistics.median(base)
    print(f"          over the baseline        : {extra * 1000:6.0f} ms")
    print(f"first sticker on screen (chelsea)  : {fmt(first)}")


if __name__ == "__main__":
    main()
