"""Fixtures of the Runs tab tests: a RunsPage over a run manager driving fake workers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.ui.runs.runs_page import RunsPage

from ui_helpers import FakePrompts

FAKE_WORKER = Path(__file__).parents[2] / "runner" / "fake_worker.py"


class DialogPrompts(FakePrompts):
    """FakePrompts that also answers dialogs: ``fill`` edits the dialog, then accepts."""

    def __init__(self) -> None:
        super().__init__()
        self.fill: Callable[[QDialog], bool] = lambda dialog: True
        self.dialogs: list[QDialog] = []

    def run_dialog(self, dialog: QDialog) -> bool:
        self.dialogs.append(dialog)
        return self.fill(dialog)


@pytest.fixture
def dialog_prompts() -> DialogPrompts:
    return DialogPrompts()


@pytest.fixture
def worker_mode() -> list[str]:
    """The fake worker's behaviour for the next runs; a test may change it."""
    return ["complete"]


@pytest.fixture
def manager(library: Library, worker_mode: list[str]) -> Iterator[RunManager]:
    def command(spec_path: Path) -> list[str]:
        return [sys.executable, str(FAKE_WORKER), worker_mode[0], str(spec_path)]

    run_manager = RunManager(library, RunnerSettings(cancel_grace_seconds=3.0), command)
    yield run_manager
    if run_manager.has_active_runs():
        run_manager.shutdown(cancel_running=True, timeout_s=1.0)


@pytest.fixture
def page(qtbot: QtBot, library: Library, manager: RunManager, dialog_prompts: DialogPrompts,
         experiment_with_dataset: ExperimentRecord) -> Iterator[RunsPage]:
    runs_page = RunsPage(library, manager, dialog_prompts)
    qtbot.addWidget(runs_page)
    runs_page.resize(1100, 900)
    runs_page.set_experiment(experiment_with_dataset)
    runs_page.show()
    qtbot.waitExposed(runs_page)
    yield runs_page
    runs_page.loader.wait()
