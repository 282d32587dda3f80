"""Issue 11, items 14, 17 and 18: batch actions act on the checked runs, a run deleted
elsewhere leaves the table quietly, leaving a comparison restores the one-run layout,
and the live chart redraws every 3 s."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.metrics.chart import DEFAULT_REFRESH_MS
from musiclab_desktop.ui.ops import wait_for_ops
from musiclab_desktop.ui.runs.runs_page import RunsPage

from runs_page_kit import click_action, click_check_box, reload
from shared_kit import finish_run
from ui_kit import DialogPrompts, toast_texts


def finished_runs(library: Library, experiment_id: int, count: int) -> list[int]:
    ids = []
    for i in range(count):
        run = library.runs.prepare_start(experiment_id)
        library.telemetry.append_metrics(run.id, [
            (step, "loss", 5.0 / step + i, 1_700_000_000.0 + step) for step in range(1, 11)])
        finish_run(library, run.id, 0.5 + i)
        ids.append(run.id)
    return ids


# --- item 14: checked runs are what Compare and Delete act on -----------------------

def test_compare_shows_the_checked_runs_while_another_row_is_highlighted(
        qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset,
        dialog_prompts: DialogPrompts) -> None:
    first, second, third = finished_runs(library, experiment_with_dataset.id, 3)
    reload(page, library, experiment_with_dataset)
    click_check_box(qtbot, page, first)
    click_check_box(qtbot, page, second)
    page.select_run(third)  # the highlighted row drives the terminal, not Compare
    assert sorted(page.model.checked_ids()) == [first, second]
    assert page.selected_run_ids() == [third]
    assert page.compare_button.isEnabled()
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    assert wait_for_ops()  # the compared runs load off the GUI thread
    assert dialog_prompts.errors == []
    legend = " ".join(page.chart.legend_texts())
    assert "run-1" in legend and "run-2" in legend and "run-3" not in legend
    assert sorted(page.chart.run_colours()) == [first, second]
    assert page.comparison.isVisible()


def test_the_buttons_say_they_act_on_the_checked_runs(
        page: RunsPage, library: Library, experiment_with_dataset) -> None:
    ids = finished_runs(library, experiment_with_dataset.id, 2)
    reload(page, library, experiment_with_dataset)
    assert "checked" in page.compare_button.text().lower()
    assert "checked runs" in page.compare_button.toolTip()
    assert not page.compare_button.isEnabled()
    page.select_run(ids[0])  # highlighting alone enables nothing
    assert not page.compare_button.isEnabled()
    for run_id in ids:
        page.model.set_checked(run_id, True)
    assert page.compare_button.text() == "Compare Checked (2)"
    assert page.delete_selected_button.text() == "Delete Checked (2)"
    assert "checked" in page.delete_selected_button.toolTip()


def test_one_checked_run_with_another_highlighted_is_not_a_comparison(
        page: RunsPage, library: Library, experiment_with_dataset,
        dialog_prompts: DialogPrompts) -> None:
    first, second = finished_runs(library, experiment_with_dataset.id, 2)
    reload(page, library, experiment_with_dataset)
    page.model.set_checked(first, True)
    page.select_run(second)
    assert not page.request_compare()
    assert "Check the boxes of two or more" in dialog_prompts.errors[-1][1]


def test_delete_checked_deletes_the_checked_runs_not_the_highlighted_one(
        page: RunsPage, library: Library, experiment_with_dataset) -> None:
    first, second, third = finished_runs(library, experiment_with_dataset.id, 3)
    reload(page, library, experiment_with_dataset)
    page.model.set_checked(first, True)
    page.model.set_checked(second, True)
    page.select_run(third)
    assert page.request_batch_delete()
    assert wait_for_ops()  # run folders are removed off the GUI thread
    assert [run.id for run in library.runs.list(experiment_with_dataset.id)] == [third]
    assert [run.id for run in page.model.runs()] == [third]


# --- item 17: a run deleted elsewhere; leaving a comparison ---------------------------

def test_deleting_a_run_already_deleted_elsewhere_removes_its_row_with_a_toast(
        qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset,
        dialog_prompts: DialogPrompts) -> None:
    gone, kept = finished_runs(library, experiment_with_dataset.id, 2)
    reload(page, library, experiment_with_dataset)
    page.select_run(gone)
    other_process = Library.open(library.root)  # as the CLI would, on the same folder
    try:
        other_process.runs.delete_many(experiment_with_dataset.id, [gone])
    finally:
        other_process.close()
    click_action(qtbot, page, gone)
    assert wait_for_ops()
    assert dialog_prompts.errors == []
    assert page.model.row_of(gone) is None and page.model.row_of(kept) is not None
    assert page.shown_run_id() != gone
    assert any("already deleted" in text for text in toast_texts(page))


def test_batch_delete_with_one_run_gone_deletes_the_rest_and_says_so(
        page: RunsPage, library: Library, experiment_with_dataset,
        dialog_prompts: DialogPrompts) -> None:
    gone, deleted, kept = finished_runs(library, experiment_with_dataset.id, 3)
    reload(page, library, experiment_with_dataset)
    page.model.set_checked(gone, True)
    page.model.set_checked(deleted, True)
    other_process = Library.open(library.root)
    try:
        other_process.runs.delete_many(experiment_with_dataset.id, [gone])
    finally:
        other_process.close()
    assert page.request_batch_delete()
    assert wait_for_ops()
    assert dialog_prompts.errors == []
    assert [run.id for run in library.runs.list(experiment_with_dataset.id)] == [kept]
    assert [run.id for run in page.model.runs()] == [kept]
    assert toast_texts(page) == [
        "1 of 2 runs deleted; the other had already been deleted elsewhere"]


def test_leaving_a_comparison_for_another_experiment_restores_the_one_run_layout(
        qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset) -> None:
    ids = finished_runs(library, experiment_with_dataset.id, 3)
    other = library.experiments.create("other")
    reload(page, library, experiment_with_dataset)
    page.resize(1000, 700)  # small enough that the comparison scrolls the area
    for run_id in ids:
        page.model.set_checked(run_id, True)
    assert page.request_compare()
    scroll = page.detail_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.value() > 0, timeout=2_000)
    # The experiment is archived (the list moves on), then picked again.
    page.set_experiment(library.experiments.get(other.id))
    page.set_experiment(library.experiments.get(experiment_with_dataset.id))
    assert not page.is_comparing()
    assert page.comparison.isHidden()
    assert scroll.value() == 0
    assert page.chart.legend_texts() == []
    assert page.terminal_panel.visibleRegion().boundingRect().height() >= (
        page.terminal_panel.minimumHeight())


# --- item 18: the live chart's beat -------------------------------------------------

def test_the_live_chart_redraws_every_three_seconds(page: RunsPage) -> None:
    assert DEFAULT_REFRESH_MS == 3_000
    assert page.chart.refresh_interval_ms() == 3_000
