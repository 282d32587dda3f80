"""Building the QApplication and the main window: shared by the app, tests and tools."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from musiclab_desktop import __version__
from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.resources import app_icon
from musiclab_desktop.ui.window_state import APPLICATION, ORGANIZATION


def application(qt_args: Sequence[str] = ()) -> QApplication:
    """The running QApplication, or a new one set up as MusicLab."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication([sys.argv[0] if sys.argv else "musiclab", *qt_args])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("musiclab")
    app.setWindowIcon(app_icon())
    return app


def create_main_window(library: Library, *, settings: QSettings | None = None,
                       prompts: Prompts | None = None,
                       run_manager: RunManager | None = None) -> MainWindow:
    """The main window over ``library`` (not shown). Makes the QApplication if needed."""
    application()
    return MainWindow(library, settings=settings, prompts=prompts, run_manager=run_manager)
