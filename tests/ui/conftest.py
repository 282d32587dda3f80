"""Fixtures for the main window tests: isolated settings and prompts that answer at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from musiclab_desktop.app import create_main_window
from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.main_window import MainWindow

from ui_helpers import FakePrompts


@pytest.fixture
def prompts() -> FakePrompts:
    return FakePrompts()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings in a file of this test's own: nothing reaches the user's settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


WindowFactory = Callable[[], MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, library: Library, settings: QSettings,
                prompts: FakePrompts) -> WindowFactory:
    """Build (and show) a main window over the test library; call again for a 'restart'."""

    def make() -> MainWindow:
        window = create_main_window(library, settings=settings, prompts=prompts)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()

