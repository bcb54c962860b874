"""``python -m stickerstudio_desktop`` = ``stickerstudio``."""

import sys

from .cli import main

sys.exit(main())
