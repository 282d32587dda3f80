"""Resume, Continue training, Promote and auto-resume from the window (qtbot), with a
stand-in worker that writes checkpoints as the real one does."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.core.services.runs import INTERRUPTED_RUNNING
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.ui.runs.continue_dialog import ContinueDialog
from musiclab_desktop.ui.runs.run_recovery import offer_auto_resume
from musiclab_desktop.ui.runs.runs_model import Column
from musiclab_desktop.ui.runs.runs_page import RunsPage

from shared_kit import finish_run
from ui_kit import DialogPrompts, toast_texts

WORKER = Path(__file__).parents[2] / "runner" / "checkpoint_worker.py"


@pytest.fixture
def manager(library: Library) -> Iterator[RunManager]:
    """Overrides the conftest's: the checkpoint-writing stand-in (fails after step 3,
    resumes to completion)."""
    def command(spec_path: Path) -> list[str]:
        return [sys.executable, str(WORKER), "oom", str(spec_path)]

    run_manager = RunManager(library, RunnerSettings(cancel_grace_seconds=3.0), command)
    yield run_manager
    if run_manager.has_active_runs():
        run_manager.shutdown(cancel_running=True, timeout_s=1.0)


def failed_run(qtbot: QtBot, page: RunsPage, library: Library, experiment: ExperimentRecord):
    run = page.start_run(None, None)
    qtbot.waitUntil(lambda: library.runs.get(run.id).status == RunStatus.FAILED, timeout=20_000)
    return library.runs.get(run.id)


def menu_actions(page: RunsPage, run) -> dict[str, object]:
    menu = QMenu(page)
    page.recovery.add_actions(menu, run)
    found = {}
    for action in menu.actions():
        found[action.text()] = action
        if action.menu() is not None:
            found.update({sub.text(): sub for sub in action.menu().actions()})
    return found


def test_resume_from_the_row_menu_marks_the_chart_and_shows_disk_use(
        qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset,
        dialog_prompts: DialogPrompts) -> None:
    run = failed_run(qtbot, page, library, experiment_with_dataset)
    actions = menu_actions(page, run)
    assert actions["Resume"].isEnabled()
    assert "Step 2  (loss 2.5000)" in actions

    resumed = page.recovery.request_resume(run.id)

    assert resumed is not None and resumed.resume_steps == [2]
    qtbot.waitUntil(lambda: library.runs.get(run.id).status == RunStatus.COMPLETED,
                    timeout=20_000)
    assert "Run “run-1” resumes from step 2" in toast_texts(page)
    page.select_run(run.id)
    qtbot.waitUntil(lambda: page.chart.resume_marks.steps() == [2], timeout=10_000)
    row = page.model.row_of(run.id)
    qtbot.waitUntil(lambda: page.model.disk_use_of(run.id) is not None, timeout=10_000)
    assert page.model.data(page.model.index(row, Column.DISK)).endswith("B")
    assert page.model.data(page.model.index(row, Column.NAME),
                           Qt.ItemDataRole.ToolTipRole) == "Resumed from step 2."
    assert dialog_prompts.errors == []


def test_resume_asks_when_the_dataset_changed(qtbot: QtBot, page: RunsPage, library: Library,
                                              experiment_with_dataset,
                                              dialog_prompts: DialogPrompts) -> None:
    run = failed_run(qtbot, page, library, experiment_with_dataset)
    info = Path(run.output_dir) / "checkpoints" / "step-000002" / "checkpoint.json"
    info.write_text(json.dumps({"step": 2, "loss": 2.5, "dataset_fingerprint": "older"}))

    dialog_prompts.confirm_answer = False
    assert page.recovery.request_resume(run.id) is None
    assert "the dataset changed" in dialog_prompts.questions[-1]
    assert library.runs.get(run.id).status == RunStatus.FAILED

    dialog_prompts.confirm_answer = True
    assert page.recovery.request_resume(run.id) is not None
    qtbot.waitUntil(lambda: library.runs.get(run.id).status == RunStatus.COMPLETED,
                    timeout=20_000)


def test_resume_is_offered_only_with_a_checkpoint(page: RunsPage, library: Library,
                                                  experiment_with_dataset) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    run = library.runs.fail(run.id, "stopped early")
    action = menu_actions(page, run)["Resume"]
    assert not action.isEnabled()
    assert "no checkpoint to resume from" in action.toolTip()


def test_continue_training_starts_a_child_run(qtbot: QtBot, page: RunsPage, library: Library,
                                              experiment_with_dataset,
                                              dialog_prompts: DialogPrompts) -> None:
    parent = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, parent.id, 0.5)
    parent = library.runs.get(parent.id)
    assert "Continue training…" in menu_actions(page, parent)

    def fill(dialog: ContinueDialog) -> bool:
        dialog.epochs.setValue(9)
        return True

    dialog_prompts.fill = fill
    child = page.recovery.request_continue(parent.id)

    assert child is not None and child.parent_run_id == parent.id
    assert library.runs.effective_config(child.id).num_epochs == 9
    qtbot.waitUntil(lambda: page.model.row_of(child.id) is not None, timeout=10_000)
    tip = page.model.data(page.model.index(page.model.row_of(child.id), Column.NAME),
                          Qt.ItemDataRole.ToolTipRole)
    assert tip == f"Continued from run {parent.id} (started from its adapter)."


def test_promote_a_checkpoint_from_the_row_menu(qtbot: QtBot, page: RunsPage, library: Library,
                                                experiment_with_dataset,
                                                dialog_prompts: DialogPrompts) -> None:
    run = failed_run(qtbot, page, library, experiment_with_dataset)

    menu_actions(page, run)["Step 2  (loss 2.5000)"].trigger()

    adapters = library.adapters.list(experiment_with_dataset.id)
    assert [adapter.name for adapter in adapters] == ["tones experiment-run-1-step2"]
    assert "Adapter “tones experiment-run-1-step2” registered" in toast_texts(page)


def test_auto_resume_asks_once_for_crash_interrupted_runs(
        qtbot: QtBot, page: RunsPage, library: Library, manager: RunManager,
        experiment_with_dataset, dialog_prompts: DialogPrompts) -> None:
    crashed = failed_run(qtbot, page, library, experiment_with_dataset)
    with library.transaction() as session:
        from musiclab_desktop.core.models import Run

        session.get(Run, crashed.id).error = INTERRUPTED_RUNNING
    crashed = library.runs.get(crashed.id)
    stopped = library.runs.fail(library.runs.prepare_start(experiment_with_dataset.id).id,
                                INTERRUPTED_RUNNING)  # no checkpoint: not offered

    resumed = offer_auto_resume(page, dialog_prompts, manager, [crashed, stopped])

    assert [run.id for run in resumed] == [crashed.id]
    assert len(dialog_prompts.questions) == 1
    assert "1 training run was interrupted" in dialog_prompts.questions[0]
    qtbot.waitUntil(lambda: library.runs.get(crashed.id).status == RunStatus.COMPLETED,
                    timeout=20_000)


def test_the_auto_resume_setting_is_off_until_checked(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from musiclab_desktop.runner.settings import load_settings
    from musiclab_desktop.runner.torch_choice import Hardware
    from musiclab_desktop.ui.training_env.dialog import TrainingEnvDialog

    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert load_settings(store).auto_resume is False
    dialog = TrainingEnvDialog(load_settings(store), DialogPrompts(), env_dir=tmp_path / "env",
                               hardware=Hardware("Linux", "x86_64"), store=store)
    qtbot.addWidget(dialog)
    assert not dialog.auto_resume_box.isChecked()

    dialog.auto_resume_box.setChecked(True)

    store.sync()
    assert load_settings(QSettings(str(tmp_path / "settings.ini"),
                                   QSettings.Format.IniFormat)).auto_resume is True
