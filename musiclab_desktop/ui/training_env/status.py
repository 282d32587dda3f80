"""Which Python trains right now, in a sentence for the dialog's status line."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from musiclab_desktop.runner.install_location import is_frozen
from musiclab_desktop.runner.managed_env import env_python, env_ready, read_marker
from musiclab_desktop.runner.settings import RunnerSettings


@dataclass(frozen=True)
class EnvStatus:
    ready: bool  # training can start without a set-up first
    text: str
    managed_exists: bool  # a (maybe partial) managed environment is on disk


def current_status(settings: RunnerSettings, env_dir: Path) -> EnvStatus:
    exists = env_python(env_dir).exists()
    chosen = settings.training_interpreter.strip()
    if chosen:
        return EnvStatus(True, f"Training uses your Python: {chosen}", exists)
    if env_ready(env_dir):
        if is_frozen():
            return EnvStatus(True, f"Training uses the managed environment in {env_dir}.", exists)
        return EnvStatus(True, f"The managed environment in {env_dir} is ready; running from "
                               f"source, training uses {sys.executable}.", exists)
    if not is_frozen():
        return EnvStatus(True, f"Running from source: training uses {sys.executable}.", exists)
    if exists and read_marker(env_dir) is not None:
        return EnvStatus(False, "The managed environment was made for another version of "
                                "MusicLab: update it before training.", exists)
    if exists:
        return EnvStatus(False, "The managed environment is only partly set up: set it up "
                                "again to continue where it stopped.", exists)
    return EnvStatus(False, "Not set up yet: training needs PyTorch, transformers and peft.",
                     exists)
