"""The main window's hook: the Training environment dialog, and a set-up offer before the
first training start of the packaged app when no training Python is usable yet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from musiclab_desktop.runner.install_location import is_frozen
from musiclab_desktop.runner.managed_env import default_env_dir, env_ready
from musiclab_desktop.runner.settings import RunnerSettings, load_settings
from musiclab_desktop.ui.prompts import Prompts

if TYPE_CHECKING:
    from musiclab_desktop.ui.runs.lazy_tab import LazyRunsTab
    from musiclab_desktop.ui.training_env.dialog import TrainingEnvDialog


def needs_setup(settings: RunnerSettings, env_dir: Path | None = None) -> bool:
    """True in the packaged app while no training Python is chosen nor set up (cheap)."""
    if settings.training_interpreter.strip() or not is_frozen():
        return False
    return not env_ready(env_dir or default_env_dir())


def setup_offer(parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, "Set up training first?",
                      "Training needs PyTorch, transformers and peft, which MusicLab installs "
                      "once into a training environment of its own.", parent=parent)
    box.setObjectName("setupTrainingQuestion")
    box.setInformativeText("Set it up now? It downloads the PyTorch build for this computer "
                           "(a few hundred MB to a few GB). You can also use a Python you "
                           "already have.")
    setup = box.addButton("Set up…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(setup)
    return box


class TrainingEnvGate(QObject):
    """Owns the dialog and stands between the Start run button and the runs page."""

    def __init__(self, parent: QWidget, runs_tab: LazyRunsTab, settings: RunnerSettings,
                 prompts: Prompts, env_dir: Path | None = None) -> None:
        super().__init__(parent)
        self._window = parent
        self.settings = settings
        self._prompts = prompts
        self.env_dir = env_dir
        self.dialog: TrainingEnvDialog | None = None
        if not settings.training_interpreter:
            # The Python chosen in this dialog last time (the CLI reads the same setting).
            settings.training_interpreter = load_settings().training_interpreter
        # Every start asks ready_to_start first, which may offer the set-up.
        runs_tab.set_start_check(self.ready_to_start)

    def ready_to_start(self) -> bool:
        """True when training can start; else offer the set-up (False if not done)."""
        if not needs_setup(self.settings, self.env_dir):
            return True
        if not self._prompts.confirm(self._window, setup_offer(self._window)):
            return False
        self.open_dialog(start_setup=True)
        # Closed before it was ready: nothing to start with.
        return not needs_setup(self.settings, self.env_dir)

    def open_dialog(self, start_setup: bool = False) -> TrainingEnvDialog:
        """Show the dialog modally (built on first use: not needed for the first paint)."""
        from musiclab_desktop.ui.training_env.dialog import TrainingEnvDialog

        if self.dialog is None:
            self.dialog = TrainingEnvDialog(self.settings, self._prompts, self._window,
                                            env_dir=self.env_dir)
        if start_setup:
            self.dialog.start_setup_when_ready()
        self.dialog.refresh_status()
        self._prompts.run_dialog(self.dialog)
        return self.dialog
