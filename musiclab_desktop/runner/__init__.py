"""The runner: training workers as QProcesses, their logs and metrics, run outcomes.

QtCore only, so the GUI and the CLI share it. Never imports torch.
"""

from musiclab_desktop.runner.interpreter import (
    check_training_interpreter,
    training_interpreter,
    worker_command_for,
)
from musiclab_desktop.runner.interpreter_check import InterpreterCheck
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings, load_settings, save_settings

__all__ = [
    "InterpreterCheck",
    "RunManager",
    "RunnerSettings",
    "check_training_interpreter",
    "load_settings",
    "save_settings",
    "training_interpreter",
    "worker_command_for",
]
