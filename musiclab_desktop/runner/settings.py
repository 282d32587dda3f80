"""The runner's settings: how many runs train at once, which Python trains, grace periods.

A plain dataclass so tests build one directly; the GUI and the CLI load it from the
user's QSettings with :func:`load_settings` (the environment variable
``MUSICLAB_TRAINING_PYTHON`` overrides the stored interpreter) and the GUI's settings
dialog saves it with :func:`save_settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QSettings

# Lets a user point the CLI at their own environment without a settings file.
INTERPRETER_ENV_VAR = "MUSICLAB_TRAINING_PYTHON"

ORGANIZATION = "MusicLab"
APPLICATION = "MusicLab Desktop"
_KEY_INTERPRETER = "runner/training_interpreter"
_KEY_MAX_CONCURRENT = "runner/max_concurrent_runs"
_KEY_GRACE = "runner/cancel_grace_seconds"
_KEY_AUTO_RESUME = "runner/auto_resume"
_KEY_GPUS = "runner/gpus_per_run"
# pip arguments for torch in the managed training environment (MUSICLAB_TORCH wins).
_KEY_TORCH = "training_env/torch"


@dataclass
class RunnerSettings:
    """Knobs of the run manager; the defaults suit one GPU and one user."""

    max_concurrent_runs: int = 1
    # Empty: the current interpreter (from source) or the packaged app's environment.
    training_interpreter: str = ""
    # How long a worker may take to stop after SIGTERM before it is killed.
    cancel_grace_seconds: float = 10.0
    # Stored logs and metrics are written at least this often...
    flush_interval_ms: int = 250
    # ...and at once when this much log output or this many points are waiting.
    flush_log_bytes: int = 1 << 20
    flush_metric_points: int = 2_000
    # record_progress (a database write) at most this often per run.
    progress_interval_ms: int = 1_000
    # How often the manager refreshes its runs' heartbeat and ends runs whose owner
    # died (runner/reconcile.py: HEARTBEAT_S, RECONCILE_S).
    watch_interval_ms: int = 5_000
    # When the app opens, offer (once) to resume the runs that a crash of the app or
    # the machine interrupted and that kept a checkpoint (runner/auto_resume.py).
    auto_resume: bool = False
    # GPUs per run on this machine: above 1 the worker runs under torchrun, one process
    # per GPU (training/distributed.py). Run targets have their own (runner/targets).
    gpus_per_run: int = 1

    @classmethod
    def from_environment(cls) -> RunnerSettings:
        return cls(training_interpreter=os.environ.get(INTERPRETER_ENV_VAR, ""))


def user_store() -> QSettings:
    """The user's settings (the GUI's settings dialog writes the same place)."""
    return QSettings(ORGANIZATION, APPLICATION)


def load_settings(store: QSettings | None = None) -> RunnerSettings:
    store = store if store is not None else user_store()
    defaults = RunnerSettings()
    interpreter = os.environ.get(INTERPRETER_ENV_VAR) or store.value(_KEY_INTERPRETER, "")
    return RunnerSettings(
        max_concurrent_runs=max(1, int(_stored_number(store, _KEY_MAX_CONCURRENT,
                                                      defaults.max_concurrent_runs))),
        training_interpreter=str(interpreter or ""),
        cancel_grace_seconds=float(_stored_number(store, _KEY_GRACE,
                                                  defaults.cancel_grace_seconds)),
        auto_resume=_stored_flag(store, _KEY_AUTO_RESUME, defaults.auto_resume),
        gpus_per_run=max(1, int(_stored_number(store, _KEY_GPUS, defaults.gpus_per_run))),
    )


def _stored_flag(store: QSettings, key: str, default: bool) -> bool:
    """A stored yes/no: INI files give back "true"/"false" as text."""
    value = store.value(key, default)
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "on"}
    return bool(value)


def _stored_number(store: QSettings, key: str, default: float) -> str | int | float:
    """A stored number as QSettings gives it back: a str from INI files, else as stored."""
    value = store.value(key, default)
    if isinstance(value, (str, int, float)):
        return value
    raise ValueError(f"The setting {key} holds {value!r}, not a number.")


def save_settings(settings: RunnerSettings, store: QSettings | None = None) -> None:
    store = store if store is not None else user_store()
    store.setValue(_KEY_MAX_CONCURRENT, settings.max_concurrent_runs)
    store.setValue(_KEY_INTERPRETER, settings.training_interpreter)
    store.setValue(_KEY_GRACE, settings.cancel_grace_seconds)
    store.setValue(_KEY_AUTO_RESUME, settings.auto_resume)
    store.setValue(_KEY_GPUS, settings.gpus_per_run)


def load_torch_spec(store: QSettings | None = None) -> str:
    """The stored torch pip arguments for the managed environment ("" = detect)."""
    store = store if store is not None else user_store()
    return str(store.value(_KEY_TORCH, "") or "")


def save_torch_spec(spec: str, store: QSettings | None = None) -> None:
    store = store if store is not None else user_store()
    store.setValue(_KEY_TORCH, spec.strip())
