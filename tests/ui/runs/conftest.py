"""Fixtures of the Runs tab tests: a RunsPage over a run manager driving fake workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.ui.ops import wait_for_ops
from musiclab_desktop.ui.runs.runs_page import RunsPage

from shared_kit import fake_worker_command
from ui_kit import DialogPrompts, open_runs_page


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
        return fake_worker_command(worker_mode[0], spec_path)

    run_manager = RunManager(library, RunnerSettings(cancel_grace_seconds=3.0), command)
    yield run_manager
    if run_manager.has_active_runs():
        run_manager.shutdown(cancel_running=True, timeout_s=1.0)


@pytest.fixture
def page(qtbot: QtBot, library: Library, manager: RunManager, dialog_prompts: DialogPrompts,
         experiment_with_dataset: ExperimentRecord) -> Iterator[RunsPage]:
    yield open_runs_page(qtbot, library, manager, dialog_prompts, experiment_with_dataset)
    wait_for_ops()
