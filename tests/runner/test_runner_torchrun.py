"""GPUs per run on this machine: the RunManager starts the worker under torchrun (two
CPU processes with gloo here) and records it like any run: every step once, the adapter,
and a cancel that stops both processes after the same step with a checkpoint."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.interpreter import build_tiny_model, worker_command_for
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings

pytestmark = pytest.mark.slow
TWO_PROCESSES = {
    "segment_seconds": 2.0, "min_segment_seconds": 0.5, "batch_size": 4,
    "gradient_accumulation_steps": 1, "log_every_steps": 1, "device": "cpu",
    "precision": "fp32", "warmup_ratio": 0.0, "sample_enabled": False, "lora_dropout": 0.0,
    "gradient_checkpointing": False,
}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "tiny-musicgen"
    build_tiny_model(sys.executable, folder)
    return folder


def test_the_worker_command_uses_torchrun_above_one_gpu() -> None:
    one = worker_command_for(RunnerSettings())(Path("run.json"))
    two = worker_command_for(RunnerSettings(gpus_per_run=2))(Path("run.json"))
    assert one == [sys.executable, "-m", "musiclab_desktop.training", "run.json"]
    assert two == [sys.executable, "-m", "torch.distributed.run", "--standalone",
                   "--nproc_per_node=2", "-m", "musiclab_desktop.training", "run.json"]


def _run(library: Library, make_clips, tiny_model: Path, qtbot, **config: object):
    dataset = library.datasets.import_folder(make_clips(count=4, seconds=2.5)).dataset
    experiment = library.experiments.create(
        "two processes", dataset_id=dataset.id,
        config={**TWO_PROCESSES, **config, "base_model": str(tiny_model)})
    run = library.runs.prepare_start(experiment.id)
    manager = RunManager(library, RunnerSettings(gpus_per_run=2, cancel_grace_seconds=60))
    points: list[tuple] = []
    finished: list[str] = []
    manager.metricPoints.connect(lambda _r, batch: points.extend(batch))
    manager.runFinished.connect(lambda _r, status: finished.append(status))
    manager.start(run)
    return run, manager, points, finished


def test_two_processes_train_a_run_through_the_runner(
        library: Library, make_clips, tiny_model: Path, qtbot) -> None:
    run, _manager, points, finished = _run(library, make_clips, tiny_model, qtbot,
                                           max_steps=3, num_epochs=3)
    qtbot.waitUntil(lambda: bool(finished), timeout=300_000)
    record = library.runs.get(run.id)
    assert finished == [RunStatus.COMPLETED], record.error
    assert [s for s, n, _v, _t in points if n == "loss"] == [1, 2, 3]  # rank 0 alone
    assert record.adapter_id is not None


def test_cancel_stops_both_processes_with_a_checkpoint(
        library: Library, make_clips, tiny_model: Path, qtbot) -> None:
    run, manager, points, finished = _run(library, make_clips, tiny_model, qtbot,
                                          max_steps=500, num_epochs=500)
    qtbot.waitUntil(lambda: any(n == "loss" for _s, n, _v, _t in points), timeout=300_000)
    manager.cancel(run.id)
    qtbot.waitUntil(lambda: bool(finished), timeout=120_000)
    record = library.runs.get(run.id)
    assert finished == [RunStatus.CANCELLED], record.error
    assert any((Path(record.output_dir or "") / "checkpoints").iterdir())
