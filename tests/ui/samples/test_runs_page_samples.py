"""The Samples tab inside the Runs page: glyphs on the loss chart, the Rating column,
ratings in the metrics CSV, and compare-by-ear when runs are compared."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord, RunRecord
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.runs.runs_model import Column
from musiclab_desktop.ui.runs.runs_page import RunsPage
from musiclab_desktop.ui.samples import SamplesView
from musiclab_desktop.ui.samples.player import PlaybackState

from samples_kit import FakePlayer, add_sample, add_training_samples, wait_until
from shared_kit import finish_run


def trained_run(library: Library, experiment: ExperimentRecord) -> RunRecord:
    run = library.runs.prepare_start(experiment.id)
    library.telemetry.append_metrics(
        run.id, [(step, "loss", 5.0 / step, 1_700_000_000.0 + step) for step in range(1, 41)]
    )
    finish_run(library, run.id, 0.5)
    return library.runs.get(run.id)


def select(qtbot: QtBot, page: RunsPage, library: Library, run: RunRecord) -> None:
    page.set_experiment(None)
    page.set_experiment(library.experiments.get(run.experiment_id))
    page.select_run(run.id)
    view = page.samples_view
    wait_until(qtbot, lambda: not page.is_loading() and not view.is_loading())


def compare(qtbot: QtBot, page: RunsPage, library: Library, runs: list[RunRecord]
            ) -> SamplesView:
    """Check ``runs`` and compare them; the Samples tab once its grid is read."""
    select(qtbot, page, library, runs[0])
    for run in runs:
        page.model.set_checked(run.id, True)
    assert page.request_compare()
    view = page.samples_view
    wait_until(qtbot, lambda: view.is_comparing() and not view.is_loading())
    return view


def test_the_chart_marks_sampled_steps_and_a_click_plays_that_sample(
    qtbot: QtBot,
    page: RunsPage,
    library: Library,
    player: FakePlayer,
    experiment_with_dataset: ExperimentRecord,
) -> None:
    run = trained_run(library, experiment_with_dataset)
    samples = add_training_samples(library, run, steps=(20, 40), prompts=1)
    select(qtbot, page, library, run)
    wait_until(qtbot, lambda: page.chart.sample_steps() == [0, 20, 40])
    assert page.detail_tabs.tabText(1) == "Samples"
    assert page.detail_tabs.currentIndex() == 0  # the terminal stays in front
    page.chart.sample_marks.click_step(20)
    wait_until(qtbot, lambda: player.state() is PlaybackState.PLAYING)
    assert player.loaded_key() == samples[1].id
    assert page.detail_tabs.currentWidget() is page.samples_view


def test_a_new_sample_adds_a_glyph_and_a_row(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    run = trained_run(library, experiment_with_dataset)
    add_sample(library, run, 0, reference=True)
    select(qtbot, page, library, run)
    wait_until(qtbot, lambda: page.chart.sample_steps() == [0])
    add_sample(library, run, 30)
    page.samples_view._controller.notice.notify(Change.of(samples=[run.id]))
    wait_until(qtbot, lambda: page.chart.sample_steps() == [0, 30])
    assert page.samples_view.model.rowCount() == 2


def test_ratings_show_as_a_mean_in_the_runs_table_and_go_into_the_csv(
    qtbot: QtBot,
    page: RunsPage,
    library: Library,
    tmp_path: Path,
    experiment_with_dataset: ExperimentRecord,
) -> None:
    first, second = (trained_run(library, experiment_with_dataset) for _ in range(2))
    rated = [add_sample(library, first, step) for step in (10, 20)]
    add_sample(library, second, 10)
    library.samples.rate(rated[0].id, 2)
    library.samples.rate(rated[1].id, 5)
    select(qtbot, page, library, first)

    def rating_text(run: RunRecord) -> str | None:
        return page.model.index(page.model.row_of(run.id), Column.RATING).data()

    wait_until(qtbot, lambda: rating_text(first) == "3.5 ★")
    assert rating_text(second) is None
    assert page.model.headerData(Column.RATING, Qt.Orientation.Horizontal) == "Rating"
    path = tmp_path / "metrics.csv"
    page.chart.export_csv(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    ratings = [(row["step"], row["value"]) for row in rows if row["metric"] == "sample_rating"]
    assert ratings == [("10", "2"), ("20", "5")]
    assert sum(row["metric"] == "loss" for row in rows) == 40


def test_comparing_runs_shows_the_compare_grid_in_the_samples_tab(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    runs = [trained_run(library, experiment_with_dataset) for _ in range(2)]
    for run in runs:
        add_sample(library, run, 10)
    view = compare(qtbot, page, library, runs)
    assert view.compare_panel.isVisibleTo(view)
    assert view.compare_panel.model.names_shown() == ["Base model", "run-1", "run-2"]
    page.select_run(runs[1].id)
    wait_until(qtbot, lambda: not view.is_comparing() and view.shown_run_id() == runs[1].id)


def test_a_sample_the_runner_records_shows_up_live(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    run = trained_run(library, experiment_with_dataset)
    select(qtbot, page, library, run)
    assert page.samples_view.model.rowCount() == 0
    sample = add_sample(library, run, 40)
    # What the runner says after it stored a worker's sample event.
    page.feed._controller.manager.sampleRecorded.emit(run.id, sample.id)
    wait_until(qtbot, lambda: page.chart.sample_steps() == [40])
    assert page.samples_view.selected_sample().record.id == sample.id


def test_a_training_run_fills_the_samples_tab_and_marks_the_chart(
    qtbot: QtBot, live_page: RunsPage, library: Library, player: FakePlayer
) -> None:
    run = live_page.start_run(None, None)
    assert run is not None
    view = live_page.samples_view
    wait_until(qtbot, lambda: library.runs.get(run.id).status == "COMPLETED", timeout=60_000)
    wait_until(qtbot, lambda: view.model.rowCount() == 3 and not view.is_loading())
    titles = [view.model.index(row, 0).data() for row in range(3)]
    assert titles == ["Base model (before training)", "Step 2", "Step 3"]
    end = view.model.index(2, 0)
    assert [view.model.index(r, 0, end).data() for r in range(2)] == [
        "calm piano",
        "loud \\e[31mdrums",
    ]  # the escape is shown, not obeyed
    wait_until(qtbot, lambda: live_page.chart.sample_steps() == [0, 2, 3])
    live_page.chart.sample_marks.click_step(2)
    wait_until(qtbot, lambda: player.state() is PlaybackState.PLAYING)
    assert view.selected_sample().record.step == 2


def test_behind_the_terminal_the_tab_reads_rows_only_and_draws_when_shown(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    run = trained_run(library, experiment_with_dataset)
    add_training_samples(library, run, steps=(20,), prompts=2)
    select(qtbot, page, library, run)
    view = page.samples_view
    wait_until(qtbot, lambda: page.chart.sample_steps() == [0, 20])
    assert len(view.model.samples()) == 4
    assert not any(sample.drawn for sample in view.model.samples())  # nothing decoded
    assert view._player is None  # no audio device asked for yet
    page.detail_tabs.setCurrentWidget(view)
    wait_until(qtbot, lambda: all(sample.drawn for sample in view.model.samples()))
    assert view._player is not None
    assert not view.plot.showing_message()


def test_the_rating_column_waits_while_a_blind_rating_is_under_way(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    runs = [trained_run(library, experiment_with_dataset) for _ in range(2)]
    samples = [add_sample(library, run, 10) for run in runs]
    view = compare(qtbot, page, library, runs)
    view.set_blind(True)
    panel = view.compare_panel
    for sample, rating in zip(samples, (5, 1), strict=True):
        panel.grid.setCurrentIndex(panel.model.index_of(sample.id))
        panel.rate_current(rating)
        wait_until(qtbot, lambda s=sample: library.samples.list(s.run_id)[0].rating is not None)
        if sample is samples[0]:
            assert page.ratings.is_held()  # no read of the ratings is even started
            assert page.model.rating_of(runs[0].id) is None  # it would tell the column
    # One cell left (the base model has none here): every cell rated, the names show.
    wait_until(qtbot, lambda: not panel.blind_pending())
    wait_until(qtbot, lambda: page.model.rating_of(runs[0].id) == 5.0)
    assert page.model.rating_of(runs[1].id) == 1.0
