"""Issue 11, item 20: an experiment switch with many runs costs a screenful of work.

Not timed (timings belong in benchmarks/): these count what made a switch slow, the
runs delegate's size hints (one per cell of every row) and a hidden Runs page reading
every run of each experiment passed through.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import Run
from musiclab_desktop.ui.detail.view import OVERVIEW, RUNS
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.runs.runs_delegate import ROW_HEIGHT, RunsDelegate
from musiclab_desktop.ui.runs.runs_model import Column

RUNS_EACH = 400


def experiments_with_many_runs(library: Library, count: int = RUNS_EACH) -> list[int]:
    """Two experiments of ``count`` finished runs each, written in one transaction."""
    ids = []
    now = datetime.now(UTC)
    for n in range(2):
        experiment = library.experiments.create(f"big {n}")
        ids.append(experiment.id)
        with library.transaction() as session:
            session.add_all([
                Run(experiment_id=experiment.id, name=f"run-{i + 1}", status="COMPLETED",
                    final_loss=1.0 / (i + 1), started_at=now - timedelta(minutes=i + 5),
                    finished_at=now - timedelta(minutes=i))
                for i in range(count)])
    return ids


@pytest.fixture
def size_hints(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs delegate's sizeHint calls (patched before the window is built)."""
    calls = [0]
    original = RunsDelegate.sizeHint

    def counting(self, option, index):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return original(self, option, index)

    monkeypatch.setattr(RunsDelegate, "sizeHint", counting)
    return calls


def test_a_switch_with_the_runs_tab_shown_sizes_at_most_a_screenful_of_cells(
        qtbot: QtBot, library: Library, make_window, size_hints: list[int]) -> None:
    first, second = experiments_with_many_runs(library)
    window: MainWindow = make_window()
    window.select_experiment(first)
    window.detail.tabs.setCurrentIndex(RUNS)
    page = window.runs_page
    assert page.model.rowCount() == RUNS_EACH
    qtbot.wait(50)
    size_hints[0] = 0
    window.select_experiment(second)
    qtbot.wait(50)  # the deferred work a switch queues: header resizes, layout, paint
    assert page.model.rowCount() == RUNS_EACH
    assert page.model.run_at(0).experiment_id == second
    screenful = (page.table.viewport().height() // ROW_HEIGHT + 1) * len(Column)
    assert size_hints[0] <= screenful
    assert page.table.rowHeight(0) == ROW_HEIGHT


def test_a_hidden_runs_page_reads_runs_only_when_shown_again(
        library: Library, make_window, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = experiments_with_many_runs(library, count=3)
    window: MainWindow = make_window()
    window.select_experiment(first)
    window.detail.tabs.setCurrentIndex(RUNS)  # builds and loads the page
    page = window.runs_tab.page
    window.detail.tabs.setCurrentIndex(OVERVIEW)
    reads: list[int] = []
    list_runs = library.runs.list
    monkeypatch.setattr(library.runs, "list",
                        lambda experiment_id: reads.append(experiment_id) or list_runs(
                            experiment_id))
    for _ in range(3):
        window.select_experiment(second)
        window.select_experiment(first)
    window.select_experiment(second)
    assert reads == []
    assert window.runs_tab.is_stale()
    window.detail.tabs.setCurrentIndex(RUNS)
    assert reads == [second]
    assert {run.experiment_id for run in page.model.runs()} == {second}
    assert not window.runs_tab.is_stale()
