"""The Training environment dialog and the set-up offer before the first training start."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from musiclab_desktop.core.library import Library
from musiclab_desktop.runner import managed_env
from musiclab_desktop.runner.managed_env import (
    CANCELLED_MESSAGE,
    OFFLINE_MESSAGE,
    SetupPlan,
    SetupStep,
    env_python,
    env_ready,
)
from musiclab_desktop.runner.settings import RunnerSettings, load_settings
from musiclab_desktop.runner.torch_choice import TORCH_ENV_VAR, Hardware, custom_choice
from musiclab_desktop.ui import window_factory
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.training_env import dialog as dialog_module
from musiclab_desktop.ui.training_env.dialog import TrainingEnvDialog
from musiclab_desktop.ui.training_env.gate import needs_setup

NVIDIA = Hardware("Linux", "x86_64", nvidia_smi=True, cuda=(12, 8))


class AnsweringPrompts(Prompts):
    """Answers questions at once and records them; dialogs are not shown."""

    def __init__(self, confirm: bool = True) -> None:
        self.answer = confirm
        self.questions: list[str] = []
        self.dialogs: list[QDialog] = []
        self.text: str | None = None

    def confirm(self, parent: QWidget | None, box: QMessageBox) -> bool:
        self.questions.append(box.windowTitle())
        box.deleteLater()
        return self.answer

    def run_dialog(self, dialog: QDialog) -> bool:
        self.dialogs.append(dialog)
        return True

    def ask_text(self, parent, title, label, default=""):  # type: ignore[no-untyped-def]
        return self.text


class ScriptedPlan(SetupPlan):
    """A plan whose steps are small Python scripts instead of venv and pip."""

    scripts: tuple[str, ...] = ()

    def steps(self) -> list[SetupStep]:
        return [SetupStep(f"Step {i + 1}", [sys.executable, "-c", script])
                for i, script in enumerate(self.scripts)]


def scripted(env_dir: Path, *scripts: str) -> ScriptedPlan:
    env_dir.mkdir(parents=True, exist_ok=True)
    plan = ScriptedPlan(env_dir=env_dir, torch=custom_choice("torch==2.13.0"),  # type: ignore[arg-type]
                        app_requirement="musiclab-desktop[train]")
    object.__setattr__(plan, "scripts", scripts)
    return plan


@pytest.fixture
def store(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_dialog(qtbot, tmp_path: Path, store: QSettings, monkeypatch):
    monkeypatch.delenv(TORCH_ENV_VAR, raising=False)

    def make(settings: RunnerSettings | None = None, prompts: Prompts | None = None,
             hardware: Hardware = NVIDIA) -> TrainingEnvDialog:
        dialog = TrainingEnvDialog(settings or RunnerSettings(), prompts or AnsweringPrompts(),
                                   env_dir=tmp_path / "training-env", hardware=hardware,
                                   store=store)
        qtbot.addWidget(dialog)
        return dialog

    return make


def use_plan(monkeypatch, plan: SetupPlan) -> None:
    monkeypatch.setattr(dialog_module, "make_plan", lambda _choice, _env_dir: plan)


def test_the_dialog_recommends_the_build_for_the_hardware(make_dialog) -> None:
    dialog = make_dialog()
    assert "CUDA 12.8" in dialog.hardware_label.text()
    assert dialog.build_combo.currentText().endswith("(recommended)")
    assert dialog.selected_build().key == "cu128"  # type: ignore[union-attr]
    assert "download.pytorch.org/whl/cu128" in dialog.build_note.text()
    assert dialog.setup_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_setting_up_streams_pip_output_and_reports_ready(make_dialog, qtbot, tmp_path,
                                                         monkeypatch) -> None:
    plan = scripted(tmp_path / "training-env", "print('Collecting torch')",
                    "print('Successfully installed peft')")
    use_plan(monkeypatch, plan)
    dialog = make_dialog()
    with qtbot.waitSignal(dialog.environmentChanged, timeout=30_000):
        assert dialog.start_setup()
    assert not dialog.setup_result.isHidden() and dialog.setup_error.isHidden()
    assert "ready" in dialog.setup_result.text()
    qtbot.waitUntil(lambda: "Successfully installed peft" in dialog.terminal.plain_text())
    assert "[1/2] Step 1" in dialog.terminal.plain_text()
    assert managed_env.read_marker(plan.env_dir) is not None
    assert dialog.setup_button.isEnabled()


def test_an_offline_machine_gets_one_clear_sentence(make_dialog, qtbot, tmp_path,
                                                    monkeypatch) -> None:
    offline = ("import sys; print(\"WARNING: Retrying after connection broken by "
               "'NewConnectionError: Failed to establish a new connection'\"); "
               "print('ERROR: No matching distribution found for torch'); sys.exit(1)")
    use_plan(monkeypatch, scripted(tmp_path / "training-env", offline))
    dialog = make_dialog()
    dialog.start_setup()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=30_000)
    assert dialog.setup_error.text() == OFFLINE_MESSAGE
    assert not dialog.setup_result.text()


def test_cancelling_stops_the_installer_and_keeps_what_is_there(make_dialog, qtbot, tmp_path,
                                                                monkeypatch) -> None:
    use_plan(monkeypatch, scripted(tmp_path / "training-env",
                                   "import time; print('Downloading', flush=True); "
                                   "time.sleep(60)"))
    dialog = make_dialog()
    dialog.start_setup()
    qtbot.waitUntil(lambda: "Downloading" in dialog.terminal.plain_text(), timeout=30_000)
    assert dialog.cancel_button.isEnabled()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    assert dialog.setup_error.text() == CANCELLED_MESSAGE
    assert (tmp_path / "training-env").is_dir()


def test_an_unsure_build_is_asked_about_first(make_dialog, monkeypatch, tmp_path) -> None:
    prompts = AnsweringPrompts(confirm=False)
    use_plan(monkeypatch, scripted(tmp_path / "training-env", "pass"))
    dialog = make_dialog(prompts=prompts, hardware=Hardware("Linux", "x86_64", nvidia_smi=True,
                                                            nvidia_problem="no driver"))
    assert not dialog.start_setup()
    assert prompts.questions == ["Install this PyTorch build?"]
    assert not dialog.is_busy()


def test_other_pip_arguments_are_remembered(make_dialog, store: QSettings) -> None:
    prompts = AnsweringPrompts()
    prompts.text = "torch==2.13.0"
    dialog = make_dialog(prompts=prompts)
    other = dialog.build_combo.findData("other")
    dialog.build_combo.setCurrentIndex(other)
    dialog.build_combo.activated.emit(other)
    assert dialog.selected_build().pip_args() == ["torch==2.13.0"]  # type: ignore[union-attr]
    assert store.value("training_env/torch") == "torch==2.13.0"


def test_an_existing_python_is_checked_before_it_is_used(make_dialog, qtbot,
                                                         store: QSettings) -> None:
    settings = RunnerSettings()
    dialog = make_dialog(settings=settings)
    dialog.interpreter_edit.setText("/nonexistent/python3")
    dialog.use_button.click()
    qtbot.waitUntil(lambda: dialog.interpreter_error.isVisibleTo(dialog), timeout=30_000)
    assert "/nonexistent/python3" in dialog.interpreter_error.text()
    assert settings.training_interpreter == ""

    dialog.interpreter_edit.setText(sys.executable)  # this one has the train extra
    with qtbot.waitSignal(dialog.environmentChanged, timeout=120_000):
        dialog.use_button.click()
    assert settings.training_interpreter == sys.executable
    assert load_settings(store).training_interpreter in (sys.executable,
                                                         # the variable wins over the store
                                                         *filter(None, [os.environ.get(
                                                             "MUSICLAB_TRAINING_PYTHON")]))
    assert store.value("runner/training_interpreter") == sys.executable
    assert sys.executable in dialog.status_label.text()
    dialog.clear_button.click()
    assert settings.training_interpreter == "" and store.value("runner/training_interpreter") == ""


def test_the_packaged_app_offers_the_setup_before_the_first_run(
        qtbot, library: Library, tmp_path: Path, monkeypatch, make_clips) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv("MUSICLAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MUSICLAB_TRAINING_PYTHON", raising=False)
    monkeypatch.setattr("musiclab_desktop.ui.training_env.gate.load_settings",
                        lambda: RunnerSettings())
    dataset = library.datasets.import_folder(make_clips()).dataset
    experiment = library.experiments.create("first", dataset_id=dataset.id)
    prompts = AnsweringPrompts(confirm=False)
    window = window_factory.create_main_window(
        library, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
        prompts=prompts)
    qtbot.addWidget(window)
    assert window.select_experiment(experiment.id)
    assert window.runs_page.start_button.isEnabled()
    assert needs_setup(window.run_manager.settings)
    started: list[bool] = []
    monkeypatch.setattr(window.runs_page, "open_start_dialog",
                        lambda experiment: started.append(True))

    window.runs_page.start_button.click()  # declined: nothing starts
    assert prompts.questions == ["Set up training first?"] and not started

    prompts.answer = True  # accepted: the dialog opens; closed before ready: no start
    window.runs_page.start_button.click()
    assert len(prompts.dialogs) == 1 and not started

    env_dir = managed_env.default_env_dir()  # now set up: the start goes through at once
    env_python(env_dir).parent.mkdir(parents=True)
    env_python(env_dir).write_text("")
    managed_env.write_marker(scripted(env_dir))
    assert env_ready(env_dir)
    window.runs_page.start_button.click()
    assert started == [True] and len(prompts.questions) == 2
    prompts.dialogs[0].close()


def test_the_menu_opens_the_dialog(qtbot, library: Library, tmp_path: Path) -> None:
    prompts = AnsweringPrompts()
    window = window_factory.create_main_window(
        library, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
        prompts=prompts)
    qtbot.addWidget(window)
    assert window.training_env_action.text() == "&Training environment…"
    window.training_env_action.trigger()
    assert [d.objectName() for d in prompts.dialogs] == ["trainingEnvDialog"]
    prompts.dialogs[0].close()
