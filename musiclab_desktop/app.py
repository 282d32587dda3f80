"""The GUI entry point: ``musiclab`` without a sub-command, or ``python -m musiclab_desktop``.

``main(argv)`` opens the data folder and runs the window; ``start(argv)`` does the same
without entering the event loop, and ``create_main_window(library)`` builds just the
window, for tests and benchmarks.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QApplication

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import DataFolderError, MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import load_settings
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.ops import wait_for_ops
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.runs.run_recovery import offer_auto_resume
from musiclab_desktop.ui.window_factory import application, create_main_window

# Windows made by start() stay referenced here, so a caller that drops its reference
# does not close the window under the event loop.
_open_windows: list[MainWindow] = []


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options, and what is left for Qt (e.g. -platform, -style)."""
    parser = argparse.ArgumentParser(prog="musiclab", add_help=False)
    parser.add_argument("--data-dir", default=None)
    return parser.parse_known_args(list(argv))


def start(argv: Sequence[str] | None = None, *,
          prompts: Prompts | None = None) -> MainWindow | int:
    """Open the data folder and show the window; an exit code when the folder is unusable.

    A data folder that cannot be used (a damaged or lost database, a read-only folder)
    is said in a message box, with what to do, and the app ends: never a traceback.
    """
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    application(qt_args)
    prompts = prompts or Prompts()
    try:
        library = Library.open(args.data_dir)
    except MusiclabError as exc:
        return _cannot_start(prompts, exc)
    try:
        manager = RunManager(library)
        manager.adopt_remote_runs = True  # runs on targets train on: follow them again
        manager.settings.gpus_per_run = load_settings().gpus_per_run
        # Runs left training by a process that is gone (a crash, a reboot).
        interrupted = manager.reconcile_on_startup()
        # The first reads of experiments and runs can meet damage the open did not.
        window = create_main_window(library, run_manager=manager, prompts=prompts)
    except MusiclabError as exc:
        library.close()
        return _cannot_start(prompts, exc)
    manager.setParent(window)
    window.show()
    if load_settings().auto_resume:
        offer_auto_resume(window, prompts, manager, interrupted)
    # Everything built so far lives as long as the window: keep the garbage collector
    # from walking it again on every pass, which otherwise stalls live updates.
    gc.collect()
    gc.freeze()
    _open_windows.append(window)
    return window


def _cannot_start(prompts: Prompts, exc: MusiclabError) -> int:
    # Also on stderr: a window started from a terminal or a script leaves a trace there.
    print(f"error: {printable(str(exc))}", file=sys.stderr, flush=True)
    prompts.error(None, "MusicLab cannot start", str(exc))
    return exc.exit_code


def main(argv: Sequence[str] | None = None, *, exec_loop: bool = True) -> int:
    """Run the desktop app; returns the process exit code."""
    window = start(argv)
    if isinstance(window, int):
        return window
    if not exec_loop:
        return 0
    previous_hook = _show_data_folder_errors(window)
    try:
        return QApplication.instance().exec()  # type: ignore[union-attr]
    finally:
        sys.excepthook = previous_hook
        _open_windows.remove(window)
        window.close()  # saves geometry and selection if the loop ended another way
        wait_for_ops()  # no background read may still use the database it closes
        window.library.close()


def _show_data_folder_errors(window: MainWindow) -> Callable[..., Any]:
    """While the event loop runs, a DataFolderError that escapes a slot (damage met by
    a read the open did not make) is shown with its sentence and ends the app with its
    exit code, instead of a traceback on stderr under a window that cannot read its
    data. Returns the hook it replaced."""
    previous = sys.excepthook
    shown = False

    def handle(kind: type[BaseException], value: BaseException, trace: Any) -> None:
        nonlocal shown
        if not isinstance(value, DataFolderError):
            previous(kind, value, trace)
            return
        if shown:  # several views may read before the loop ends: one message
            return
        shown = True
        print(f"error: {printable(str(value))}", file=sys.stderr, flush=True)
        window.prompts.error(window, "MusicLab cannot continue", str(value))
        QApplication.exit(value.exit_code)

    sys.excepthook = handle
    return previous
