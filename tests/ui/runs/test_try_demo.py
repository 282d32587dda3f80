"""File > Try the Demo makes the offline demo from the window and shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.detail.view import RUNS
from musiclab_desktop.ui.window_factory import create_main_window

from ui_helpers import list_names, toast_texts


@pytest.mark.slow
def test_try_the_demo_builds_it_off_the_gui_thread_and_selects_it(
    qtbot: QtBot, library: Library, manager: RunManager, dialog_prompts, settings: QSettings
) -> None:
    window = create_main_window(library, settings=settings, prompts=dialog_prompts,
                                run_manager=manager)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.demo.finished, timeout=120_000):
        assert window.try_demo()
        assert not window.demo_action.isEnabled()
    assert dialog_prompts.errors == []
    assert list_names(window) == ["Demo: tiny MusicGen"]
    assert window.detail.experiment().name == "Demo: tiny MusicGen"
    assert window.detail.tabs.currentIndex() == RUNS
    assert any(text.startswith("Demo ready") for text in toast_texts(window))
    assert window.demo_action.isEnabled()


def test_a_demo_that_cannot_be_built_says_why_and_adds_nothing(
    qtbot: QtBot, library: Library, manager: RunManager, dialog_prompts, settings: QSettings,
    tmp_path
) -> None:
    manager.settings.training_interpreter = str(tmp_path / "no-such-python")
    window = create_main_window(library, settings=settings, prompts=dialog_prompts,
                                run_manager=manager)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.demo.failed, timeout=30_000):
        assert window.try_demo()
    title, message = dialog_prompts.errors[-1]
    assert title == "Cannot prepare the demo"
    assert "no-such-python" in message
    assert library.experiments.list() == []
    assert window.demo_action.isEnabled()
