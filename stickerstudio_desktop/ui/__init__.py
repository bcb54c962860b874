"""The PySide6 desktop window: the only package that imports Qt.

Widgets here only wire user input to the engine, maker and library; every
model call runs on a worker thread (see ``workers``).
"""
