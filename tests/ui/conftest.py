"""Fixtures for the main window tests: isolated settings and prompts that answer at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from musiclab_desktop.app import create_main_window
from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.main_window import MainWindow

from ui_kit import FakePrompts, WindowFactory


@pytest.fixture
def prompts() -> FakePrompts:
    return FakePrompts()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings in a file of this test's own: nothing reaches the user's settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot: QtBot, library: Library, settings: QSettings,
                prompts: FakePrompts) -> WindowFactory:
    """Build (and show) a main window over the test library; call again for a 'restart'.

    Keywords go to create_main_window: other ``prompts``, a ``run_manager`` of the test's.
    """

    def make(**options: Any) -> MainWindow:
        options.setdefault("prompts", prompts)
        window = create_main_window(library, settings=settings, **options)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()

