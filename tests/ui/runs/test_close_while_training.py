"""Closing the window while runs train asks first, and stopping keeps their output."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.manager import RunManager

from ui_kit import WindowFactory, toast_texts


def test_closing_over_a_training_run_asks_and_stop_keeps_logs(
    qtbot: QtBot, library: Library, manager: RunManager, dialog_prompts,
    make_window: WindowFactory, experiment_with_dataset, worker_mode
) -> None:
    worker_mode[0] = "wait_forever"
    window = make_window(prompts=dialog_prompts, run_manager=manager)
    window.select_experiment(experiment_with_dataset.id)
    run = window.runs_page.start_run(None, None)
    assert run is not None
    qtbot.waitUntil(lambda: b"waiting" in window.runs_page.terminal.raw_bytes(),
                    timeout=20_000)

    dialog_prompts.confirm_answer = False
    assert not window.close()
    assert "1 run is still training" in dialog_prompts.questions[-1]
    assert library.runs.get(run.id).status == "RUNNING"

    dialog_prompts.confirm_answer = True
    assert window.close()
    stopped = library.runs.get(run.id)
    assert (stopped.status, stopped.error) == ("CANCELLED", "stopped by user")
    assert b"waiting" in library.telemetry.read_log(run.id)
    assert library.telemetry.series(run.id, "loss").steps == [1, 2]


def test_a_storage_problem_is_shown_in_the_status_bar_and_a_toast(
    manager: RunManager, dialog_prompts, make_window: WindowFactory
) -> None:
    window = make_window(prompts=dialog_prompts, run_manager=manager)
    message = "Cannot write to the data folder: the disk is full."
    manager.storageProblem.emit(message)
    assert window.statusBar().currentMessage() == message
    assert message in toast_texts(window)
