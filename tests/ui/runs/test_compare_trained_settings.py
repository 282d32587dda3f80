"""Compare shows the settings each run trained with, not the experiment's of today (11.5)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.ops import wait_for_ops
from musiclab_desktop.ui.runs.runs_page import RunsPage

from shared_kit import finish_run


def test_compare_shows_the_rank_each_run_trained_with(
    page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    experiment = experiment_with_dataset
    first = library.runs.prepare_start(experiment.id)
    finish_run(library, first.id, 1.0)
    library.experiments.update(experiment.id, config={**experiment.config, "lora_r": 32})
    second = library.runs.prepare_start(experiment.id)
    finish_run(library, second.id, 0.5)

    page.set_experiment(None)
    page.set_experiment(library.experiments.get(experiment.id))
    for run_id in (first.id, second.id):
        page.model.set_checked(run_id, True)
    assert page.request_compare()
    assert wait_for_ops()
    assert page.comparison.row_labels() == ["Rank (r)"]
    model = page.comparison.model()
    ranks = {model.headerData(column, Qt.Orientation.Horizontal): model.index(0, column).data()
             for column in range(model.columnCount())}
    assert ranks == {first.name: str(experiment.config["lora_r"]), second.name: "32"}
