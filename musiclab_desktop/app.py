"""The GUI entry point: ``musiclab`` without a sub-command, or ``python -m musiclab_desktop``.

``main(argv)`` opens the data folder and runs the window; ``start(argv)`` does the same
without entering the event loop, and ``create_main_window(library)`` builds just the
window, for tests and benchmarks.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QMessageBox

from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.window_factory import application, create_main_window

# Windows made by start() stay referenced here, so a caller that drops its reference
# does not close the window under the event loop.
_open_windows: list[MainWindow] = []


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options, and what is left for Qt (e.g. -platform, -style)."""
    parser = argparse.ArgumentParser(prog="musiclab", add_help=False)
    parser.add_argument("--data-dir", default=None)
    return parser.parse_known_args(list(argv))


def start(argv: Sequence[str] | None = None) -> MainWindow | int:
    """Open the data folder and show the window; an exit code when the folder is unusable."""
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    application(qt_args)
    try:
        library = Library.open(args.data_dir)
    except MusiclabError as exc:
        QMessageBox.critical(None, "MusicLab cannot start", str(exc))
        return exc.exit_code
    manager = RunManager(library)
    manager.reconcile_on_startup()  # runs left training by a process that is gone
    window = create_main_window(library, run_manager=manager)
    manager.setParent(window)
    window.show()
    # Everything built so far lives as long as the window: keep the garbage collector
    # from walking it again on every pass, which otherwise stalls live updates.
    gc.collect()
    gc.freeze()
    _open_windows.append(window)
    return window


def main(argv: Sequence[str] | None = None, *, exec_loop: bool = True) -> int:
    """Run the desktop app; returns the process exit code."""
    window = start(argv)
    if isinstance(window, int):
        return window
    if not exec_loop:
        return 0
    try:
        return QApplication.instance().exec()  # type: ignore[union-attr]
    finally:
        _open_windows.remove(window)
        window.close()  # saves geometry and selection if the loop ended another way
        window.library.close()
