"""The use cases both front doors run: typed options in, results as data, no Qt.

The CLI parses arguments into options and prints results; the window's
controller runs the same jobs on its worker threads and shows them. Progress
and cancellation go through ``control.JobControl``. Import from the
submodules (``jobs.make``, ``jobs.generate``…): this package imports
nothing itself, so ``stickerstudio fonts`` never loads the engine.
"""
