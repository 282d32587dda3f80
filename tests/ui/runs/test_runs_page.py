"""The Runs tab, scenario by scenario (SPEC: Run Deletion UI, Batch Run Deletion, Run
Configuration Override, Training Log Streaming, Training Log Persistence)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.core.services.runs import RUN_NAME_MAX_LENGTH
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.ops import wait_for_ops
from musiclab_desktop.ui.runs.runs_delegate import CANCEL, DELETE, row_action
from musiclab_desktop.ui.runs.runs_model import Column
from musiclab_desktop.ui.runs.runs_page import NO_METRICS, NO_RUN_SELECTED, RunsPage
from musiclab_desktop.ui.runs.start_run_dialog import StartRunDialog

from runs_page_kit import click_action, reload
from shared_kit import finish_run
from ui_kit import toast_texts


def runs_in_every_state(library: Library, experiment_id: int) -> dict[str, int]:
    ids = {status: library.runs.prepare_start(experiment_id).id
           for status in ("COMPLETED", "FAILED", "CANCELLED", "RUNNING", "PENDING")}
    finish_run(library, ids["COMPLETED"], 1.0)
    library.runs.fail(ids["FAILED"], "boom")
    library.runs.cancel(ids["CANCELLED"])
    library.runs.mark_running(ids["RUNNING"], pid=None)
    return ids


# --- deletion ------------------------------------------------------------------

def test_delete_button_only_on_finished_runs(
    page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    ids = runs_in_every_state(library, experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    for status, run_id in ids.items():
        run = page.model.run_at(page.model.row_of(run_id))
        assert run.status == status
        expected = CANCEL if status in ("RUNNING", "PENDING") else DELETE
        assert row_action(run.status) == expected, status


def test_clicking_delete_asks_naming_the_run_and_cancel_keeps_it(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset, dialog_prompts
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.fail(run.id, "boom")
    reload(page, library, experiment_with_dataset)
    dialog_prompts.confirm_answer = False
    click_action(qtbot, page, run.id)
    assert len(dialog_prompts.questions) == 1
    question = dialog_prompts.questions[0]
    assert "“run-1”" in question and "cannot be undone" in question
    assert page.model.row_of(run.id) is not None
    assert library.runs.get(run.id).status == "FAILED"


def test_confirmed_delete_removes_the_row_and_shows_a_toast(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, run.id, 2.0)
    reload(page, library, experiment_with_dataset)
    click_action(qtbot, page, run.id)
    assert wait_for_ops()  # deleting runs off the GUI thread
    assert page.model.row_of(run.id) is None
    assert library.runs.list(experiment_with_dataset.id) == []
    assert not Path(run.output_dir).exists()
    assert "Run “run-1” deleted" in toast_texts(page)


def test_clicking_an_active_rows_button_cancels_instead_of_deleting(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset, dialog_prompts
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    click_action(qtbot, page, run.id)
    assert dialog_prompts.questions == []
    assert library.runs.get(run.id).status == "CANCELLED"


def test_batch_delete_selection_confirmation_and_removal(
    page: RunsPage, library: Library, experiment_with_dataset, dialog_prompts
) -> None:
    ids = runs_in_every_state(library, experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    assert page.delete_selected_button.isHidden()
    for status in ("RUNNING", "PENDING"):
        assert not page.model.set_checked(ids[status], True)
        flags = page.model.flags(page.model.index(page.model.row_of(ids[status]), Column.CHECK))
        assert not flags & Qt.ItemFlag.ItemIsUserCheckable
    finished = [ids["COMPLETED"], ids["FAILED"], ids["CANCELLED"]]
    for run_id in finished:
        index = page.model.index(page.model.row_of(run_id), Column.CHECK)
        assert page.model.setData(index, Qt.CheckState.Checked.value,
                                  Qt.ItemDataRole.CheckStateRole)
    assert not page.delete_selected_button.isHidden()
    dialog_prompts.confirm_answer = False
    assert not page.request_batch_delete()
    assert "Delete 3 selected runs?" in dialog_prompts.questions[0]
    assert "cannot be undone" in dialog_prompts.questions[0]
    assert len(library.runs.list(experiment_with_dataset.id)) == 5
    dialog_prompts.confirm_answer = True
    assert page.request_batch_delete()
    assert wait_for_ops()
    remaining = {run.id for run in library.runs.list(experiment_with_dataset.id)}
    assert remaining == {ids["RUNNING"], ids["PENDING"]}
    assert {run.id for run in page.model.runs()} == remaining
    assert page.delete_selected_button.isHidden()
    assert "3 runs deleted" in toast_texts(page)


# --- starting with an override -------------------------------------------------

def test_start_dialog_shows_the_experiment_config_and_no_change_stores_no_override(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset, dialog_prompts,
    worker_mode
) -> None:
    run = page.request_start()
    dialog = dialog_prompts.dialogs[0]
    assert isinstance(dialog, StartRunDialog)
    assert dialog.override_form.objectName() == "overrideConfigForm"
    assert dialog.override_form.values() == experiment_with_dataset.config
    assert dialog.name_edit.text() == "run-1"
    # The field takes no more than core accepts, so a too-long name cannot be typed.
    assert dialog.name_edit.maxLength() == RUN_NAME_MAX_LENGTH
    assert run is not None and library.runs.get(run.id).config_override is None
    qtbot.waitUntil(lambda: library.runs.get(run.id).status == "COMPLETED", timeout=20_000)


def test_start_with_changes_stores_only_the_changed_keys(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset, dialog_prompts
) -> None:
    def change(dialog: StartRunDialog) -> bool:
        form = dialog.override_form
        form.set_values({**form.values(), "lora_r": 8, "learning_rate": 1e-4})
        assert set(form.changed_fields()) == {"lora_r", "learning_rate"}
        form.reset("learning_rate")
        dialog.name_edit.setText("smaller rank")
        return True

    dialog_prompts.fill = change
    run = page.request_start()
    assert run is not None
    stored = library.runs.get(run.id)
    assert (stored.name, stored.config_override) == ("smaller rank", {"lora_r": 8})
    assert library.runs.effective_config(run.id).lora_r == 8
    qtbot.waitUntil(lambda: library.runs.get(run.id).status == "COMPLETED", timeout=20_000)


def test_start_without_dataset_is_refused_with_cores_message(
    page: RunsPage, library: Library, dialog_prompts
) -> None:
    experiment = library.experiments.create("no data")
    page.set_experiment(experiment)
    assert page.request_start() is None
    assert dialog_prompts.dialogs == []
    assert "dataset is required" in dialog_prompts.errors[0][1]
    assert page.model.runs() == [] and library.runs.list(experiment.id) == []


# --- terminal: streaming, switching, empty history, persistence -----------------

def test_live_run_streams_into_the_terminal_and_chart(
    qtbot: QtBot, page: RunsPage, library: Library, worker_mode, manager: RunManager
) -> None:
    worker_mode[0] = "wait_forever"
    run = page.start_run(None, None)
    assert run is not None and page.shown_run_id() == run.id
    qtbot.waitUntil(lambda: "waiting" in page.terminal.plain_text(), timeout=20_000)
    assert "train: 2/2" in page.terminal.plain_text()
    assert "train: 1/2" not in page.terminal.plain_text()  # the \r redraw replaced it
    assert page.model.run_at(page.model.row_of(run.id)).status == "RUNNING"
    page.chart.flush()
    qtbot.waitUntil(lambda: "loss" in page.chart.metric_names(), timeout=10_000)
    manager.cancel(run.id, grace_s=0)
    qtbot.waitUntil(lambda: library.runs.get(run.id).status == "CANCELLED", timeout=10_000)
    qtbot.waitUntil(lambda: page.model.run_at(page.model.row_of(run.id)).status == "CANCELLED")


def test_switching_runs_clears_loads_and_shows_placeholder_when_none(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset
) -> None:
    first = library.runs.prepare_start(experiment_with_dataset.id)
    second = library.runs.prepare_start(experiment_with_dataset.id)
    library.telemetry.append_log(first.id, [b"\x1b[31mfirst run\x1b[0m log\r\n"])
    library.telemetry.append_log(second.id, [b"second run log\r\n"])
    library.runs.fail(first.id, "x")
    library.runs.fail(second.id, "y")
    reload(page, library, experiment_with_dataset)
    assert page.terminal.plain_text().strip() == ""
    page.select_run(first.id)
    assert page.is_loading()
    qtbot.waitUntil(lambda: "first run log" in page.terminal.plain_text(), timeout=5_000)
    page.select_run(second.id)
    assert "first run" not in page.terminal.plain_text()
    qtbot.waitUntil(lambda: "second run log" in page.terminal.plain_text(), timeout=5_000)
    page.table.clearSelection()
    assert page.shown_run_id() is None
    assert page.terminal.plain_text().strip() == ""
    assert NO_RUN_SELECTED == "Select a run to view logs"


def test_a_run_with_no_output_yet_shows_an_empty_terminal_that_then_streams(
    qtbot: QtBot, page: RunsPage, library: Library, worker_mode, manager: RunManager
) -> None:
    worker_mode[0] = "wait_forever"
    first = page.start_run(None, None)
    second = page.start_run(None, None)  # one slot: it waits, with no output at all
    assert first is not None and second is not None
    assert library.runs.get(second.id).status == "PENDING"
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=5_000)
    assert page.shown_run_id() == second.id
    assert page.terminal.plain_text().strip() == ""
    manager.cancel(first.id, grace_s=0)
    qtbot.waitUntil(lambda: "waiting" in page.terminal.plain_text(), timeout=20_000)
    manager.cancel(second.id, grace_s=0)
    qtbot.waitUntil(lambda: library.runs.get(second.id).status == "CANCELLED", timeout=10_000)


def test_a_stored_log_replays_to_the_same_screen_as_the_live_view(
    qtbot: QtBot, page: RunsPage, library: Library
) -> None:
    run = page.start_run(None, None)
    assert run is not None
    qtbot.waitUntil(lambda: library.runs.get(run.id).status == "COMPLETED", timeout=20_000)
    qtbot.waitUntil(lambda: "train: 3/3" in page.terminal.plain_text(), timeout=5_000)
    live_text = page.terminal.plain_text()
    page.table.clearSelection()
    page.select_run(run.id)
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=5_000)
    qtbot.waitUntil(lambda: page.terminal.plain_text() == live_text, timeout=5_000)
    assert library.telemetry.read_log(run.id).count(b"\r") >= 3


def test_a_run_without_metrics_says_so_in_the_chart_while_the_log_shows(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.telemetry.append_log(run.id, [b"an old run, before metrics\r\n"])
    library.runs.fail(run.id, "x")
    reload(page, library, experiment_with_dataset)
    page.select_run(run.id)
    qtbot.waitUntil(lambda: "an old run" in page.terminal.plain_text(), timeout=5_000)
    assert page.chart.message_text() == NO_METRICS


# --- metrics chart beneath the terminal -----------------------------------------

def finished_runs_with_metrics(library: Library, experiment_id: int, count: int) -> list[int]:
    ids = []
    for i in range(count):
        run = library.runs.prepare_start(
            experiment_id, override={"lora_r": 4 * (i + 1)} if i else None)
        library.telemetry.append_metrics(run.id, [
            (step, "loss", 5.0 / step + i, 1_700_000_000.0 + step) for step in range(1, 21)])
        finish_run(library, run.id, 5.0 / 20 + i)
        ids.append(run.id)
    return ids


def test_compare_overlays_runs_with_a_legend_and_the_differing_settings(
    page: RunsPage, library: Library, experiment_with_dataset
) -> None:
    ids = finished_runs_with_metrics(library, experiment_with_dataset.id, 3)
    reload(page, library, experiment_with_dataset)
    for run_id in ids:
        page.model.set_checked(run_id, True)
    assert page.compare_button.isEnabled()
    assert page.request_compare()
    assert wait_for_ops()  # the compared runs load off the GUI thread
    legend = " ".join(page.chart.legend_texts())
    assert all(name in legend for name in ("run-1", "run-2", "run-3"))
    assert "0.25" in legend  # run-1's final loss value
    assert len(set(page.chart.run_colours().values())) == 3
    assert page.comparison.isVisible()
    assert page.comparison.row_labels() == ["Rank (r)"]


def test_a_sixth_run_is_refused_with_a_message(
    page: RunsPage, library: Library, experiment_with_dataset, dialog_prompts
) -> None:
    ids = finished_runs_with_metrics(library, experiment_with_dataset.id, 6)
    reload(page, library, experiment_with_dataset)
    for run_id in ids:
        page.model.set_checked(run_id, True)
    assert not page.request_compare()
    assert "at most 5 runs" in dialog_prompts.errors[-1][1]
    assert page.comparison.isHidden()


def test_clicking_a_point_scrolls_the_terminal_to_that_steps_log_line(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    lines = []
    for step in range(1, 301):
        lines.append(f"filler line for step-free text {step}\r\n")
        if step % 10 == 0:
            lines.append(f"epoch {step // 10}/30 done  step {step}  loss 1.0\r\n")
    library.telemetry.append_log(run.id, ["".join(lines).encode()])
    library.telemetry.append_metrics(run.id, [(s, "loss", 1.0, None) for s in range(1, 301)])
    library.runs.fail(run.id, "x")
    reload(page, library, experiment_with_dataset)
    page.select_run(run.id)
    qtbot.waitUntil(lambda: "step 300" in page.terminal.plain_text(), timeout=5_000)
    assert not any("step 50 " in line for line in page.terminal.visible_lines())
    page.chart.pointClicked.emit(run.id, 57)
    assert any("done  step 50 " in line for line in page.terminal.visible_lines())
