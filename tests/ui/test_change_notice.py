"""One change notice: the list, the detail tabs and the runs page follow it (issue 12,
part 2), with no widget telling another to refresh."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.change_notice import Change, notice_for
from musiclab_desktop.ui.detail.view import ADAPTERS, RUNS
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.ops import wait_for_ops

from shared_kit import finish_run
from ui_kit import FakePrompts


def showing_runs(window: MainWindow, experiment: ExperimentRecord) -> None:
    window.controller.reload()
    assert window.select_experiment(experiment.id)
    window.detail.tabs.setCurrentIndex(RUNS)


def test_a_run_changed_elsewhere_reaches_the_list_the_header_and_the_runs_page(
        library: Library, window: MainWindow, experiment_with_dataset: ExperimentRecord
) -> None:
    showing_runs(window, experiment_with_dataset)
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, run.id, 0.5)
    heard: list[Change] = []
    window.controller.notice.changed.connect(heard.append)

    notice_for(library).notify(Change.of(experiments=[experiment_with_dataset.id],
                                         runs=[run.id], adapters=True))

    assert len(heard) == 1  # one notice, one object every view hears
    listed = window.controller.model.records()[0]
    assert (listed.run_count, listed.status) == (1, "COMPLETED")
    assert window.detail.subtitle.text().startswith("1 run")
    assert window.detail.badge.text().upper() == "COMPLETED"
    page = window.runs_page
    assert [(r.id, r.status) for r in page.model.runs()] == [(run.id, "COMPLETED")]
    window.detail.tabs.setCurrentIndex(ADAPTERS)
    assert window.detail.adapters_tab.model.rowCount() == 1


def test_deleting_runs_on_the_page_updates_the_list_through_the_notice(
        library: Library, window: MainWindow, experiment_with_dataset: ExperimentRecord
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, run.id, 0.5)
    showing_runs(window, experiment_with_dataset)
    assert window.controller.model.records()[0].run_count == 1
    assert window.runs_page.request_delete(run.id)
    assert wait_for_ops()
    assert window.controller.model.records()[0].run_count == 0
    assert window.detail.subtitle.text().startswith("0 runs")
    assert window.runs_page.model.runs() == []


def test_a_dataset_imported_in_the_datasets_dialog_reaches_the_overview(
        library: Library, window: MainWindow, prompts: FakePrompts,
        make_clips: Callable[..., Path]) -> None:
    from musiclab_desktop.ui.datasets_dialog import DatasetsDialog

    experiment = window.controller.create("needs data", "", None, None)
    assert window.select_experiment(experiment.id)
    dialog = DatasetsDialog(library, prompts, window)
    prompts.folder = str(make_clips("fresh"))
    assert dialog.start_import()
    assert wait_for_ops()
    (dataset,) = library.datasets.list()
    # The experiment links it: the Start run button follows core's "can start" answer.
    assert not window.runs_page.start_button.isEnabled()
    assert "no dataset" in window.runs_page.start_button.toolTip()
    window.controller.link_dataset(experiment.id, dataset.id)
    assert window.runs_page.start_button.isEnabled()
    assert "fresh" in window.detail.subtitle.text()
    dialog.deleteLater()


def test_the_start_button_says_why_a_run_cannot_start(
        library: Library, window: MainWindow) -> None:
    experiment = window.controller.create("no data", "", None, None)
    assert window.select_experiment(experiment.id)
    window.detail.tabs.setCurrentIndex(RUNS)
    start = window.runs_page.start_button
    assert not start.isEnabled()
    assert start.toolTip() == library.experiments.start_refusal(experiment.id)
    assert "a dataset is required" in start.toolTip()
