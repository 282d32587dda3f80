"""Which Python runs the training worker, and whether it can train at all.

The GUI and CLI never import torch; the worker runs in a *training interpreter*:
the one the user chose (their conda or venv with torch); in the packaged app, the
managed training environment it sets up (:mod:`musiclab_desktop.runner.managed_env`);
else the interpreter running this code (from source or a pip install).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.runner import managed_env
from musiclab_desktop.runner.install_location import (
    is_frozen,
    restore_library_path,
    source_root,
)
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.runner.training_probe import training_probe_command

TRAINING_MODULE = "musiclab_desktop.training"
TINY_MODEL_MODULE = "musiclab_desktop.training.tiny_model"
INSTALL_HINT = (
    "Install the training packages into it: pip install 'musiclab-desktop[train]' "
    "(install the torch build for your GPU first, see the README), or choose another "
    "training interpreter in the settings."
)

WorkerCommand = Callable[[Path], list[str]]


def training_interpreter(settings: RunnerSettings | None = None) -> str:
    """The Python that trains: the user's choice when set, else the packaged app's
    managed environment (InvalidStateError while it is not set up), else the current one.
    """
    chosen = (settings.training_interpreter if settings else "").strip()
    if chosen:
        return chosen
    if is_frozen():
        # The frozen executable is no Python: it cannot run the worker itself.
        return managed_env.managed_python()
    return sys.executable


def worker_command_for(settings: RunnerSettings | None = None) -> WorkerCommand:
    """The default worker command: ``PYTHON -m musiclab_desktop.training RUN_SPEC``;
    with several GPUs per run, the same under torchrun (one process per GPU)."""
    python = training_interpreter(settings)
    gpus = settings.gpus_per_run if settings else 1
    if gpus > 1:
        launcher = [python, "-m", "torch.distributed.run", "--standalone",
                    f"--nproc_per_node={gpus}"]
        return lambda spec_path: [*launcher, "-m", TRAINING_MODULE, str(spec_path)]
    return lambda spec_path: [python, "-m", TRAINING_MODULE, str(spec_path)]


def missing_packages_message(python: str, detail: str = "") -> str:
    found = f" ({detail})" if detail else ""
    return (f"The training interpreter {python} cannot import torch, transformers and "
            f"peft{found}. {INSTALL_HINT}")


def check_training_interpreter(python: str, timeout_s: float = 120.0) -> str | None:
    """None when ``python`` can import the training packages, else what to do about it.

    Blocks while torch imports (seconds): call it from the CLI or a worker thread,
    never from the GUI thread.
    """
    try:
        result = subprocess.run(training_probe_command(python), capture_output=True, text=True,
                                timeout=timeout_s, env=worker_environment())
    except FileNotFoundError:
        return f"The training interpreter {python} does not exist. {INSTALL_HINT}"
    except PermissionError:
        return f"The training interpreter {python} cannot be run (permission denied)."
    except subprocess.TimeoutExpired:
        return f"The training interpreter {python} took over {timeout_s:.0f} s to import torch."
    return probe_verdict(python, result.returncode, result.stderr)


def probe_verdict(python: str, exit_code: int, stderr: str) -> str | None:
    """None when the import probe succeeded, else the message to show."""
    if exit_code == 0:
        return None
    last_line = (stderr.strip().splitlines() or [""])[-1]
    return missing_packages_message(python, last_line)


def worker_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The worker's environment: unbuffered, UTF-8, and able to import this package."""
    env = dict(os.environ if base is None else base)
    restore_library_path(env)  # the frozen app's bundled libraries are not the worker's
    env["PYTHONUNBUFFERED"] = "1"
    # tqdm's bar characters and captions in any language, whatever the locale says.
    env["PYTHONIOENCODING"] = "utf-8"
    root = source_root()
    if root is not None:
        # From source, a user-chosen interpreter sees this checkout's worker code.
        parts = [str(root), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    return env


def build_tiny_model(python: str, out_dir: Path, timeout_s: float = 600.0) -> None:
    """Run ``PYTHON -m musiclab_desktop.training.tiny_model OUT_DIR`` (torch stays out)."""
    try:
        result = subprocess.run([python, "-m", TINY_MODEL_MODULE, str(out_dir)],
                                capture_output=True, text=True, timeout=timeout_s,
                                env=worker_environment())
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InvalidStateError(f"Cannot build the tiny model with {python}: {exc}") from exc
    if result.returncode != 0:
        problem = check_training_interpreter(python)
        last_line = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise InvalidStateError(problem or f"Building the tiny model failed: {last_line}")
