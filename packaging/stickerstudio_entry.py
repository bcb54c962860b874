"""Entry point of the packaged app (PyInstaller analyses this file)."""

import multiprocessing
import sys

from stickerstudio_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
