"""File > Try the Demo makes the offline demo from the window and shows it."""

from __future__ import annotations

import pytest

from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.detail.view import RUNS
from musiclab_desktop.ui.ops import wait_for_ops

from ui_kit import WindowFactory, list_names, toast_texts


@pytest.mark.slow
def test_try_the_demo_builds_it_off_the_gui_thread_and_selects_it(
    manager: RunManager, dialog_prompts, make_window: WindowFactory
) -> None:
    window = make_window(prompts=dialog_prompts, run_manager=manager)
    assert window.try_demo()
    assert not window.demo_action.isEnabled()
    assert wait_for_ops(120_000)  # built off the GUI thread
    assert dialog_prompts.errors == []
    assert list_names(window) == ["Demo: tiny MusicGen"]
    assert window.detail.experiment().name == "Demo: tiny MusicGen"
    assert window.detail.tabs.currentIndex() == RUNS
    assert any(text.startswith("Demo ready") for text in toast_texts(window))
    assert window.demo_action.isEnabled()


def test_a_demo_that_cannot_be_built_says_why_and_adds_nothing(
    library: Library, manager: RunManager, dialog_prompts, make_window: WindowFactory,
    tmp_path
) -> None:
    manager.settings.training_interpreter = str(tmp_path / "no-such-python")
    window = make_window(prompts=dialog_prompts, run_manager=manager)
    assert window.try_demo()
    assert wait_for_ops()
    title, message = dialog_prompts.errors[-1]
    assert title == "Cannot prepare the demo"
    assert "no-such-python" in message
    assert library.experiments.list() == []
    assert window.demo_action.isEnabled()
