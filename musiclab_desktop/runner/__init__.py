"""The runner: training workers as QProcesses, their logs and metrics, run outcomes.

QtCore only, so the GUI and the CLI share it. Never imports torch. The names below
load on first use: a CLI command that only reconciles runs (runner/reconcile.py)
does not pay for importing Qt.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from musiclab_desktop.runner.interpreter import (
        check_training_interpreter,
        training_interpreter,
        worker_command_for,
    )
    from musiclab_desktop.runner.interpreter_check import InterpreterCheck
    from musiclab_desktop.runner.manager import RunManager
    from musiclab_desktop.runner.settings import RunnerSettings, load_settings, save_settings

_HOMES = {
    "check_training_interpreter": "interpreter",
    "training_interpreter": "interpreter",
    "worker_command_for": "interpreter",
    "InterpreterCheck": "interpreter_check",
    "RunManager": "manager",
    "RunnerSettings": "settings",
    "load_settings": "settings",
    "save_settings": "settings",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
