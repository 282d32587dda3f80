"""Fixtures of the runner tests (the kit itself lives in runner_kit.py)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library

from runner_kit import MUSICLAB, Harness
from shared_kit import fake_interpreter


@pytest.fixture
def harness(library: Library, experiment_with_dataset, qtbot) -> Iterator[Harness]:
    kit = Harness(library, experiment_with_dataset.id, qtbot)
    yield kit
    for manager in kit.managers:
        if manager.has_active_runs():
            manager.shutdown(cancel_running=True, timeout_s=1.0)

@pytest.fixture
def cli(tmp_path: Path, library: Library, experiment_with_dataset):
    """Run ``musiclab ARGS`` against the test library with a fake worker of ``mode``;
    ``wait=False`` returns the Popen."""
    def run(mode: str, *args: str, wait: bool = True, **popen: object):
        interpreter = fake_interpreter(tmp_path, mode)
        env = {**os.environ, "MUSICLAB_DATA_DIR": str(library.root),
               "MUSICLAB_TRAINING_PYTHON": str(interpreter)}
        command = [MUSICLAB, *args]
        if not wait:
            return subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, **popen)
        return subprocess.run(command, env=env, capture_output=True, timeout=60)

    run.experiment_id = str(experiment_with_dataset.id)
    return run
