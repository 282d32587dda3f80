"""Run targets in the window: the targets dialog, the Start run choice, the table column."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.targets.model import TargetKind
from musiclab_desktop.runner.targets.run_state import set_run_target
from musiclab_desktop.runner.targets.store import load_targets
from musiclab_desktop.ui.runs.runs_model import Column, RunsTableModel
from musiclab_desktop.ui.runs.start_run_dialog import StartRunDialog
from musiclab_desktop.ui.targets_dialog import TargetsDialog


def _store(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "targets.ini"), QSettings.Format.IniFormat)


def test_targets_dialog_saves_a_valid_target_and_explains_an_invalid_one(
        qtbot, tmp_path: Path) -> None:
    store = _store(tmp_path)
    dialog = TargetsDialog(store=store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("cluster")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(TargetKind.SLURM))
    dialog.host_edit.setText("not a host")
    dialog.save_button.click()
    assert load_targets(store) == []
    assert "cluster" in dialog.check_result.text() and "host" in dialog.check_result.text()

    dialog.host_edit.setText("ana@login.example.edu:2222")
    dialog.partition_edit.setText("gpu")
    dialog.sbatch_edit.setPlainText("--account=lab\n\n--constraint=a100\n")
    dialog.gpus_spin.setValue(2)
    dialog.save_button.click()
    [saved] = load_targets(store)
    assert (saved.kind, saved.host, saved.partition, saved.gpus, saved.sbatch_lines) == (
        TargetKind.SLURM, "ana@login.example.edu:2222", "gpu", 2,
        ["--account=lab", "--constraint=a100"])
    assert dialog.list.count() == 1
    dialog.remove_button.click()
    assert load_targets(store) == [] and dialog.list.count() == 0


def test_start_dialog_offers_the_targets_with_the_last_choice_selected(
        qtbot, library: Library, experiment_with_dataset) -> None:
    dialog = StartRunDialog(experiment_with_dataset, "run-1", targets=["gpu-box", "cluster"],
                            chosen_target="cluster")
    qtbot.addWidget(dialog)
    assert dialog.target_combo.count() == 3
    assert dialog.target_name() == "cluster"
    dialog.target_combo.setCurrentIndex(0)
    assert dialog.target_name() is None  # this machine


def test_runs_table_shows_the_target_and_a_queued_reason(
        qtbot, library: Library, experiment_with_dataset) -> None:
    remote = library.runs.prepare_start(experiment_with_dataset.id)
    local = library.runs.prepare_start(experiment_with_dataset.id)
    set_run_target(library, remote.id, "gpu")
    model = RunsTableModel()
    model.set_runs([library.runs.get(remote.id), library.runs.get(local.id)])

    def target_cell(run_id: int) -> str:
        return model.index(model.row_of(run_id) or 0, Column.TARGET).data()

    assert (target_cell(remote.id), target_cell(local.id)) == ("gpu", "local")
    model.set_target_phase(remote.id, "preparing_data",
                           "Queued on gpu (SLURM job 7, PENDING: Resources)")
    assert target_cell(remote.id) == "gpu · queued: Resources"
    model.set_target_phase(remote.id, "preparing_data", "SLURM job 7 is running")
    assert target_cell(remote.id) == "gpu"


def test_gpus_per_run_on_this_computer_is_kept_in_the_settings(qtbot, tmp_path: Path) -> None:
    from musiclab_desktop.runner.settings import RunnerSettings, load_settings
    from musiclab_desktop.runner.torch_choice import Hardware
    from musiclab_desktop.ui.training_env.dialog import TrainingEnvDialog

    store = _store(tmp_path)
    settings = RunnerSettings()
    dialog = TrainingEnvDialog(settings, env_dir=tmp_path / "env", store=store,
                               hardware=Hardware("Linux", "x86_64", nvidia_smi=False,
                                                 cuda=None))
    qtbot.addWidget(dialog)
    dialog.gpus_spin.setValue(2)
    assert settings.gpus_per_run == 2  # the manager's own settings: the next run uses it
    assert load_settings(store).gpus_per_run == 2
