"""Promote this checkpoint from the Samples tab: the step heard to sound best becomes an
adapter of its own, through the same path as the runs table's row menu."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord, RunRecord
from musiclab_desktop.ui.runs.runs_page import RunsPage

from samples_kit import add_training_samples, wait_until
from shared_kit import finish_run
from ui_kit import toast_texts


def write_checkpoint(run: RunRecord, step: int, loss: float) -> None:
    """A kept checkpoint laid out as the worker writes one."""
    assert run.output_dir is not None
    folder = Path(run.output_dir) / "checkpoints" / f"step-{step:06d}"
    folder.mkdir(parents=True)
    (folder / "adapter_model.safetensors").write_bytes(b"weights" * 50)
    (folder / "adapter_config.json").write_text("{}")
    (folder / "trainer_state.pt").write_bytes(b"state")
    (folder / "checkpoint.json").write_text(json.dumps({"step": step, "loss": loss}))


def run_with_samples(library: Library, experiment: ExperimentRecord) -> RunRecord:
    """Samples at steps 0 (the base), 20 and 40; only step 20's checkpoint is kept."""
    run = library.runs.prepare_start(experiment.id)
    finish_run(library, run.id, 0.5)
    run = library.runs.get(run.id)
    add_training_samples(library, run, steps=(20, 40), prompts=1)
    write_checkpoint(run, 20, 1.25)
    return run


def test_promote_the_selected_steps_checkpoint(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    run = run_with_samples(library, experiment_with_dataset)
    view = page.samples_view
    page.set_experiment(None)
    page.set_experiment(library.experiments.get(experiment_with_dataset.id))
    page.select_run(run.id)
    page.detail_tabs.setCurrentWidget(view)
    wait_until(qtbot, lambda: view.promote.kept_steps() == [20] and not view.is_loading())
    button = view.promote.button
    assert button.isVisible() and button.text() == "Promote this checkpoint"

    by_step = {sample.record.step: sample.record for sample in view.model.samples()}
    view.select_sample(by_step[40].id)
    assert not button.isEnabled()
    assert "Step 40 has no kept checkpoint (kept: 20)" in button.toolTip()
    view.select_sample(by_step[0].id)  # the base model's reference: no checkpoint
    assert not button.isEnabled()
    view.select_sample(by_step[20].id)
    assert button.isEnabled() and "loss 1.2500" in button.toolTip()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    adapters = {a.name: a for a in library.adapters.list(experiment_with_dataset.id)}
    # The run's final adapter, and now step 20's.
    assert sorted(adapters) == ["tones experiment-run-1", "tones experiment-run-1-step20"]
    folder = Path(adapters["tones experiment-run-1-step20"].path)
    assert (folder / "adapter_model.safetensors").is_file()
    assert (folder / "samples" / "sample-01.wav").is_file()  # step 20's samples came along
    assert "Adapter “tones experiment-run-1-step20” registered" in toast_texts(page)

    # The step row's right-click menu offers the same; a second promotion is refused.
    step_row = view.model.index_of(by_step[20].id).parent()
    menu = view.promote.menu_for(step_row)
    assert menu is not None
    (action,) = menu.actions()
    assert action.text() == "Promote this checkpoint (step 20)" and action.isEnabled()
    action.trigger()
    errors = page._prompts.errors  # type: ignore[attr-defined]
    assert errors and "already the adapter" in errors[-1][1]
    assert len(library.adapters.list(experiment_with_dataset.id)) == 2
    forty = view.promote.menu_for(view.model.index_of(by_step[40].id))
    assert forty is not None and not forty.actions()[0].isEnabled()


def test_no_promote_button_while_runs_are_compared(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset: ExperimentRecord
) -> None:
    first = run_with_samples(library, experiment_with_dataset)
    second = run_with_samples(library, experiment_with_dataset)
    view = page.samples_view
    view.show_run(first)
    page.detail_tabs.setCurrentWidget(view)
    wait_until(qtbot, lambda: view.promote.kept_steps() == [20])
    assert view.promote.button.isVisible()
    view.compare([first, second])
    wait_until(qtbot, lambda: not view.is_loading())
    assert not view.promote.button.isVisible()
