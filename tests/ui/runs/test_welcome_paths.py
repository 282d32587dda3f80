"""The welcome page of an empty data folder: its three paths, each driven with qtbot."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.demo import DEMO_STEPS
from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.datasets_dialog import DatasetsDialog
from musiclab_desktop.ui.demo_progress import DemoProgressDialog
from musiclab_desktop.ui.main_window import DETAIL, NO_EXPERIMENTS
from musiclab_desktop.ui.new_experiment_dialog import NewExperimentDialog
from musiclab_desktop.ui.ops import wait_for_ops

from ui_kit import DialogPrompts, WindowFactory, list_names, record_opens


def test_an_empty_data_folder_opens_on_the_welcome_page(
        manager: RunManager, make_window: WindowFactory) -> None:
    window = make_window(run_manager=manager)
    assert window.right.currentIndex() == NO_EXPERIMENTS
    assert window.welcome.isVisible()
    texts = [button.text() for button in window.welcome.paths()]
    assert texts == ["Try the demo (no download, trains in about a minute)",
                     "Import a dataset", "Create an experiment"]
    assert all(button.isVisible() for button in window.welcome.paths())


@pytest.mark.slow
def test_the_demo_path_builds_the_demo_showing_its_steps(
        manager: RunManager, dialog_prompts: DialogPrompts, make_window: WindowFactory,
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    shown_step = DemoProgressDialog.on_step

    def record_step(dialog: DemoProgressDialog, index: int, total: int = 0) -> None:
        started.append(index)
        shown_step(dialog, index, total)

    # Recorded from the first report on, whenever the pool thread gets to it.
    monkeypatch.setattr(DemoProgressDialog, "on_step", record_step)
    window = make_window(prompts=dialog_prompts, run_manager=manager)
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    dialog = window.demo_progress
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Preparing the demo"
    assert [text.split("  ", 1)[1] for text in dialog.step_texts()] == list(DEMO_STEPS)
    assert not window.welcome.demo_button.isEnabled()
    # The event loop runs, as in the app: the steps arrive before the result.
    qtbot.waitUntil(lambda: window.demo_progress is None, timeout=120_000)
    assert dialog_prompts.errors == []
    assert started == [0, 1, 2]  # each step announced, in order
    assert list_names(window) == ["Demo: tiny MusicGen"]
    assert window.right.currentIndex() == DETAIL


def test_a_failed_demo_closes_its_progress_dialog_and_says_why(
        manager: RunManager, dialog_prompts: DialogPrompts, make_window: WindowFactory,
        qtbot: QtBot, tmp_path) -> None:
    manager.settings.training_interpreter = str(tmp_path / "no-such-python")
    window = make_window(prompts=dialog_prompts, run_manager=manager)
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    dialog = window.demo_progress
    assert dialog is not None and dialog.isVisible()
    assert wait_for_ops()
    assert window.demo_progress is None  # closed
    assert dialog_prompts.errors[-1][0] == "Cannot prepare the demo"
    assert window.welcome.demo_button.isEnabled()
    assert window.right.currentIndex() == NO_EXPERIMENTS


def test_the_import_path_opens_the_dataset_import(
        library: Library, manager: RunManager, dialog_prompts: DialogPrompts,
        make_window: WindowFactory, make_clips, qtbot: QtBot) -> None:
    dialog_prompts.folder = str(make_clips("my clips"))
    window = make_window(prompts=dialog_prompts, run_manager=manager)
    qtbot.mouseClick(window.welcome.import_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(DatasetsDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: [d.name for d in library.datasets.list()] == ["my clips"],
                    timeout=20_000)
    qtbot.waitUntil(lambda: dialog.current_dataset() is not None)
    assert dialog.current_dataset().name == "my clips"
    assert dialog.clip_model.rowCount() == 3
    dialog.close()


def test_the_create_path_opens_the_new_experiment_dialog(
        manager: RunManager, make_window: WindowFactory, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened = record_opens(monkeypatch, NewExperimentDialog)
    window = make_window(run_manager=manager)
    qtbot.mouseClick(window.welcome.create_button, Qt.MouseButton.LeftButton)
    assert opened == ["newExperimentDialog"]
