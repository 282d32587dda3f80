"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import soundfile

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord

# The stand-in for the training worker: no torch, behaviour chosen by a mode word.
FAKE_WORKER = Path(__file__).parent / "runner" / "fake_worker.py"


def fake_worker_command(mode: str, spec_path: str | Path) -> list[str]:
    """The command that runs the fake worker in ``mode`` on a run spec."""
    return [sys.executable, str(FAKE_WORKER), mode, str(spec_path)]


def fake_interpreter(folder: Path, mode: str) -> Path:
    """A 'training interpreter' that runs the fake worker in ``mode`` (POSIX shell).

    The runner calls it as ``PYTHON -m musiclab_desktop.training SPEC``: the spec is $3.
    """
    interpreter = folder / f"python-{mode}"
    interpreter.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_WORKER}" {mode} "$3"\n')
    interpreter.chmod(0o755)
    return interpreter


def finish_run(library: Library, run_id: int, loss: float) -> None:
    """Drive a PENDING run to COMPLETED as the runner would after a worker succeeded."""
    run = library.runs.mark_running(run_id, pid=None)
    adapter = Path(run.output_dir) / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    library.runs.complete(run_id, adapter_dir=adapter, final_loss=loss)


def write_tone(path: Path, seconds: float = 2.0, sample_rate: int = 16_000,
               frequency: float = 440.0, channels: int = 1) -> Path:
    """A short sine tone: real audio that every reader decodes."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    mono = 0.3 * np.sin(2 * np.pi * frequency * t).astype(np.float32)
    data = mono if channels == 1 else np.stack([mono] * channels, axis=1)
    soundfile.write(str(path), data, sample_rate)
    return path


def two_finished_runs(library: Library, experiment: ExperimentRecord) -> tuple[int, int]:
    """A second experiment "other" (rank 8) beside ``experiment``; one run of each,
    completed with loss 7.0 (``experiment``) and 8.0 ("other"). Returns their ids."""
    other = library.experiments.create(
        "other", dataset_id=experiment.dataset_id, config={"lora_r": 8}
    )
    first = library.runs.prepare_start(experiment.id)
    finish_run(library, first.id, 7.0)
    second = library.runs.prepare_start(other.id)
    finish_run(library, second.id, 8.0)
    return first.id, second.id
