"""The runs table sorts itself (no proxy): newest first, by any column on a header click,
keeping the highlighted run and the checks where they belong."""

from __future__ import annotations

from PySide6.QtCore import Qt

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.runs.runs_model import Column
from musiclab_desktop.ui.runs.runs_page import RunsPage

from shared_kit import finish_run


def names(page: RunsPage) -> list[str]:
    return [page.model.index(row, Column.NAME).data() for row in range(page.model.rowCount())]


def test_newest_first_then_by_a_clicked_column_keeping_selection_and_checks(
        page: RunsPage, library: Library, experiment_with_dataset) -> None:
    losses = {"run-1": 0.7, "run-2": 0.3, "run-3": 0.5}
    ids = {}
    for name, loss in losses.items():
        run = library.runs.prepare_start(experiment_with_dataset.id, name=name)
        finish_run(library, run.id, loss)
        ids[name] = run.id
    page.set_experiment(None)
    page.set_experiment(library.experiments.get(experiment_with_dataset.id))
    assert names(page) == ["run-3", "run-2", "run-1"]
    page.select_run(ids["run-1"])
    page.model.set_checked(ids["run-2"], True)
    page.table.sortByColumn(Column.FINAL_LOSS, Qt.SortOrder.AscendingOrder)
    assert names(page) == ["run-2", "run-3", "run-1"]
    assert page.selected_run_ids() == [ids["run-1"]]
    check = page.model.index(page.model.row_of(ids["run-2"]), Column.CHECK)
    assert check.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    page.table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    started = library.runs.prepare_start(experiment_with_dataset.id)
    page.model.upsert(started)
    assert names(page)[0] == started.name


def test_a_status_change_moves_the_row_when_sorted_by_status(
        page: RunsPage, library: Library, experiment_with_dataset) -> None:
    done = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, done.id, 0.5)
    waiting = library.runs.prepare_start(experiment_with_dataset.id)
    page.set_experiment(None)
    page.set_experiment(library.experiments.get(experiment_with_dataset.id))
    page.table.sortByColumn(Column.STATUS, Qt.SortOrder.AscendingOrder)
    assert [page.model.run_at(row).status for row in range(2)] == ["COMPLETED", "PENDING"]
    library.runs.cancel(waiting.id)  # CANCELLED sorts before COMPLETED
    page.model.upsert(library.runs.get(waiting.id))
    assert [page.model.run_at(row).id for row in range(2)] == [waiting.id, done.id]
