"""Fixtures of the Samples tests: a SamplesView over a real library and a player double."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord, RunRecord
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.ops import wait_for_ops
from musiclab_desktop.ui.runs.runs_page import RunsPage
from musiclab_desktop.ui.samples import SamplesView, samples_view

from samples_kit import FakePlayer
from shared_kit import fake_worker_command, finish_run
from ui_kit import DialogPrompts, open_runs_page


@pytest.fixture
def controller(qapp: object, library: Library) -> Iterator[ExperimentsController]:
    manager = RunManager(library, RunnerSettings())
    yield ExperimentsController(library, manager)


@pytest.fixture
def player() -> FakePlayer:
    return FakePlayer()


@pytest.fixture
def opened_folders() -> list[object]:
    return []


@pytest.fixture
def view(
    qtbot: QtBot,
    controller: ExperimentsController,
    player: FakePlayer,
    opened_folders: list[object],
) -> Iterator[SamplesView]:
    samples_view = SamplesView(
        controller, player, open_folder=lambda folder: opened_folders.append(folder) or True
    )
    qtbot.addWidget(samples_view)
    samples_view.resize(1000, 600)
    samples_view.show()
    qtbot.waitExposed(samples_view)
    yield samples_view
    wait_for_ops()


@pytest.fixture
def finished_run(library: Library, experiment_with_dataset: ExperimentRecord) -> RunRecord:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, run.id, 0.5)
    return library.runs.get(run.id)


@pytest.fixture
def five_runs(library: Library, experiment_with_dataset: ExperimentRecord) -> list[RunRecord]:
    runs = []
    for number in range(5):
        run = library.runs.prepare_start(experiment_with_dataset.id)
        finish_run(library, run.id, 0.5 - number / 10)
        runs.append(library.runs.get(run.id))
    return runs


@pytest.fixture
def page(
    qtbot: QtBot,
    library: Library,
    player: FakePlayer,
    monkeypatch: pytest.MonkeyPatch,
    experiment_with_dataset: ExperimentRecord,
) -> Iterator[RunsPage]:
    """A Runs page whose Samples tab plays through the player double."""
    monkeypatch.setattr(samples_view, "create_player", lambda parent=None: player)
    manager = RunManager(library, RunnerSettings())
    yield open_runs_page(qtbot, library, manager, DialogPrompts(), experiment_with_dataset,
                         width=1200)
    wait_for_ops()


@pytest.fixture
def live_page(
    qtbot: QtBot,
    library: Library,
    player: FakePlayer,
    monkeypatch: pytest.MonkeyPatch,
    experiment_with_dataset: ExperimentRecord,
) -> Iterator[RunsPage]:
    """A Runs page whose runs are fake workers that record samples as the real one does."""
    monkeypatch.setattr(samples_view, "create_player", lambda parent=None: player)
    manager = RunManager(
        library,
        RunnerSettings(cancel_grace_seconds=3.0),
        lambda spec: fake_worker_command("samples", spec),
    )
    yield open_runs_page(qtbot, library, manager, DialogPrompts(), experiment_with_dataset,
                         width=1200)
    if manager.has_active_runs():
        manager.shutdown(cancel_running=True, timeout_s=1.0)
    wait_for_ops()
