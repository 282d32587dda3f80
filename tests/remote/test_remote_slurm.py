"""Runs on a one-node SLURM cluster reached over loopback ssh, with the tiny model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.runner.targets.model import Target
from musiclab_desktop.runner.targets.remote_scripts import TERMINAL_FILE
from musiclab_desktop.runner.targets.run_state import load_remote_state
from musiclab_desktop.runner.targets.seam import assign_target

from remote_run_kit import TINY_RUN, RunWatch

pytestmark = [pytest.mark.remote, pytest.mark.slow]


def _start(library: Library, make_clips, tiny_model: Path, target: Target, **config: object):
    dataset = library.datasets.import_folder(make_clips(count=4, seconds=2.5)).dataset
    experiment = library.experiments.create(
        "tiny on slurm", dataset_id=dataset.id,
        config={**TINY_RUN, **config, "base_model": str(tiny_model)})
    run = library.runs.prepare_start(experiment.id)
    assign_target(library, run, target)
    manager = RunManager(library, RunnerSettings())
    watch = RunWatch(manager, run.id)
    manager.start(run.id)
    return run, manager, watch


def test_slurm_run_completes_like_a_local_one(library: Library, make_clips, tiny_model: Path,
                                              slurm_target: Target, qtbot) -> None:
    run, _manager, watch = _start(library, make_clips, tiny_model, slurm_target)
    qtbot.waitUntil(lambda: bool(watch.finished), timeout=300_000)
    record = library.runs.get(run.id)
    assert watch.finished == [RunStatus.COMPLETED], record.error
    state = load_remote_state(library, run.id)
    assert state["job_id"].isdigit()
    remote_terminal = (Path(state["remote_run_dir"]) / TERMINAL_FILE).read_bytes()
    assert library.telemetry.read_log(run.id) == remote_terminal
    assert [s for s, n, _v, _t in watch.points if n == "loss"] == [1, 2, 3, 4]
    assert watch.statuses[:2] == [RunStatus.RUNNING, RunStatus.COMPLETED]
    assert any("Submitted to cluster as SLURM job" in message for message in watch.phases)
    assert record.adapter_id is not None


def test_held_job_shows_queued_with_the_reason_then_cancels(
        library: Library, make_clips, tiny_model: Path, slurm_target: Target, qtbot) -> None:
    held = dataclasses.replace(slurm_target, sbatch_lines=["--hold"])
    run, manager, watch = _start(library, make_clips, tiny_model, held)
    qtbot.waitUntil(lambda: any("Queued on cluster" in m for m in watch.phases),
                    timeout=120_000)
    queued = next(m for m in watch.phases if "Queued on cluster" in m)
    assert "PENDING" in queued and "JobHeldUser" in queued
    state = load_remote_state(library, run.id)
    assert (state["scheduler_state"], state["reason"]) == ("PENDING", "JobHeldUser")
    # The run itself is queued (PENDING: "Queued" in the window) until the job runs.
    assert library.runs.get(run.id).status == RunStatus.PENDING
    manager.cancel(run.id)
    qtbot.waitUntil(lambda: bool(watch.finished), timeout=120_000)
    assert watch.finished == [RunStatus.CANCELLED], library.runs.get(run.id).error


def test_cancel_of_a_running_slurm_job_keeps_a_checkpoint(
        library: Library, make_clips, tiny_model: Path, slurm_target: Target, qtbot) -> None:
    run, manager, watch = _start(library, make_clips, tiny_model, slurm_target,
                                 max_steps=400, num_epochs=200)
    qtbot.waitUntil(lambda: any(n == "loss" for _s, n, _v, _t in watch.points),
                    timeout=240_000)
    manager.cancel(run.id)
    qtbot.waitUntil(lambda: bool(watch.finished), timeout=240_000)
    record = library.runs.get(run.id)
    assert watch.finished == [RunStatus.CANCELLED], record.error
    assert any((Path(record.output_dir or "") / "checkpoints").iterdir())
