"""Runs on an SSH target over loopback, end to end with the real tiny model."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import EXIT_CANCELLED
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.process_probe import pid_alive
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.runner.targets.model import Target
from musiclab_desktop.runner.targets.remote_scripts import EVENTS_FILE, TERMINAL_FILE
from musiclab_desktop.runner.targets.run_state import load_remote_state
from musiclab_desktop.runner.targets.seam import assign_target
from musiclab_desktop.runner.targets.staging import stage

from remote_run_kit import TINY_RUN, RunWatch, ssh_readers_of

pytestmark = [pytest.mark.remote, pytest.mark.slow]
MUSICLAB = str(Path(sys.executable).with_name("musiclab"))


def _prepare(library: Library, make_clips, tiny_model: Path, target: Target | None,
             **config: object):
    dataset = library.datasets.import_folder(make_clips(count=4, seconds=2.5)).dataset
    experiment = library.experiments.create(
        f"tiny {target.name if target else 'local'}", dataset_id=dataset.id,
        config={**TINY_RUN, **config, "base_model": str(tiny_model)})
    run = library.runs.prepare_start(experiment.id)
    assign_target(library, run, target)
    return library.runs.get(run.id)


def test_ssh_run_survives_a_dropped_connection_and_matches_a_local_run(
        library: Library, make_clips, tiny_model: Path, ssh_target: Target, qtbot) -> None:
    run = _prepare(library, make_clips, tiny_model, ssh_target)
    manager = RunManager(library, RunnerSettings())
    watch = RunWatch(manager, run.id)
    manager.start(run)
    # Kill the ssh client that follows the remote files once output flows.
    qtbot.waitUntil(lambda: len(watch.log) > 200, timeout=240_000)
    follower = manager._jobs[run.id].process.processId()
    readers = ssh_readers_of(follower)
    assert readers, "the follower runs an ssh reader"
    for pid in readers:
        os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: bool(watch.finished), timeout=300_000)

    record = library.runs.get(run.id)
    assert watch.finished == [RunStatus.COMPLETED], record.error
    state = load_remote_state(library, run.id)
    remote = Path(state["remote_run_dir"])
    remote_terminal = (remote / TERMINAL_FILE).read_bytes()
    assert bytes(watch.log) == remote_terminal  # nothing lost, nothing twice
    assert library.telemetry.read_log(run.id) == remote_terminal
    assert state["terminal_offset"] == len(remote_terminal)
    assert state["events_offset"] == len((remote / EVENTS_FILE).read_bytes())
    assert record.adapter_id is not None
    adapter = Path(library.adapters.get(record.adapter_id).path)
    assert (adapter / "adapter_config.json").is_file()  # fetched and registered

    local = library.runs.prepare_start(run.experiment_id)  # same data and settings
    local_watch = RunWatch(manager, local.id)
    manager.start(local)
    qtbot.waitUntil(lambda: bool(local_watch.finished), timeout=300_000)
    assert local_watch.finished == [RunStatus.COMPLETED]
    losses = [(s, v) for s, n, v, _t in watch.points if n == "loss"]
    local_losses = [(s, v) for s, n, v, _t in local_watch.points if n == "loss"]
    assert losses and [s for s, _v in losses] == [s for s, _v in local_losses]
    # Same seed, same data, same CPU: the same curve (to float32 rounding).
    assert [v for _s, v in losses] == pytest.approx([v for _s, v in local_losses], rel=1e-4)
    local_adapter = Path(library.adapters.get(library.runs.get(local.id).adapter_id or 0).path)
    assert sorted(p.name for p in adapter.iterdir()) == sorted(
        p.name for p in local_adapter.iterdir())


def test_cancel_on_ssh_target_keeps_a_checkpoint(
        library: Library, make_clips, tiny_model: Path, ssh_target: Target, qtbot) -> None:
    run = _prepare(library, make_clips, tiny_model, ssh_target, max_steps=400,
                   num_epochs=200)
    manager = RunManager(library, RunnerSettings())
    watch = RunWatch(manager, run.id)
    manager.start(run)
    qtbot.waitUntil(lambda: any(n == "loss" for _s, n, _v, _t in watch.points),
                    timeout=240_000)
    manager.cancel(run.id)
    qtbot.waitUntil(lambda: bool(watch.finished), timeout=240_000)
    record = library.runs.get(run.id)
    assert watch.finished == [RunStatus.CANCELLED], record.error
    checkpoints = Path(record.output_dir or "") / "checkpoints"
    assert any(checkpoints.iterdir()), "the remote checkpoint came back"


def test_second_staging_of_the_same_dataset_copies_no_clip(
        library: Library, make_clips, tiny_model: Path, ssh_target: Target) -> None:
    first = _prepare(library, make_clips, tiny_model, ssh_target)
    # Staging alone: the run itself is not started here.
    staged = stage(ssh_target, library.runs.spec_path(first))
    assert staged.copied_files == 4 and staged.cached_files == 0
    experiment_id = first.experiment_id
    second = library.runs.prepare_start(experiment_id)
    again = stage(ssh_target, library.runs.spec_path(second))
    assert (again.copied_files, again.copied_bytes, again.cached_files) == (0, 0, 4)
    remote_spec = json.loads((Path(again.remote_run_dir) / "run.json").read_text())
    assert remote_spec["output_dir"] == again.remote_run_dir


def test_a_restarted_app_reattaches_without_losing_or_repeating_a_byte(
        library: Library, make_clips, tiny_model: Path, ssh_target: Target, qtbot) -> None:
    run = _prepare(library, make_clips, tiny_model, ssh_target, max_steps=30, num_epochs=30)
    follower = _kill_the_owner_once_training(library, run.id, qtbot)
    # The follower notices its owner is gone and leaves the remote worker training.
    qtbot.waitUntil(lambda: not pid_alive(follower), timeout=30_000)
    assert library.runs.get(run.id).status == RunStatus.RUNNING

    manager = RunManager(library, RunnerSettings())
    manager.adopt_remote_runs = True
    watch = RunWatch(manager, run.id)
    manager.reconcile_on_startup()
    assert run.id in manager.active_run_ids()
    qtbot.waitUntil(lambda: bool(watch.finished), timeout=300_000)
    assert watch.finished == [RunStatus.COMPLETED], library.runs.get(run.id).error
    remote = Path(load_remote_state(library, run.id)["remote_run_dir"])
    assert library.telemetry.read_log(run.id) == (remote / TERMINAL_FILE).read_bytes()
    steps = library.telemetry.series_arrays(run.id, "loss").steps.tolist()
    assert steps == list(range(1, 31))  # every step once


def test_two_gpus_per_run_trains_under_torchrun_on_the_target(
        library: Library, make_clips, tiny_model: Path, ssh_target: Target, qtbot) -> None:
    # No GPU here: torchrun's two processes train on the CPU (gloo), as two GPUs would.
    two = dataclasses.replace(ssh_target, gpus=2)
    run = _prepare(library, make_clips, tiny_model, two, batch_size=4, num_epochs=4,
                   lora_dropout=0.0)
    manager = RunManager(library, RunnerSettings())
    watch = RunWatch(manager, run.id)
    manager.start(run)
    qtbot.waitUntil(lambda: bool(watch.finished), timeout=300_000)
    record = library.runs.get(run.id)
    assert watch.finished == [RunStatus.COMPLETED], record.error
    remote = Path(load_remote_state(library, run.id)["remote_run_dir"])
    assert "torch.distributed.run --standalone --nproc_per_node=2" in (
        remote / "launch.sh").read_text()
    # Rank 0 alone speaks: every step once in the chart, one adapter.
    assert [s for s, n, _v, _t in watch.points if n == "loss"] == [1, 2, 3, 4]
    assert record.adapter_id is not None


def test_a_second_run_on_the_same_dataset_encodes_nothing_on_the_target(
        library: Library, make_clips, tiny_model: Path, ssh_target: Target, qtbot) -> None:
    first = _prepare(library, make_clips, tiny_model, ssh_target, max_steps=1, num_epochs=1)
    manager = RunManager(library, RunnerSettings())
    logs = []
    for run in (first, library.runs.prepare_start(first.experiment_id)):
        assign_target(library, library.runs.get(run.id), ssh_target)
        watch = RunWatch(manager, run.id)
        manager.start(library.runs.get(run.id))
        qtbot.waitUntil(lambda watch=watch: bool(watch.finished), timeout=300_000)
        assert watch.finished == [RunStatus.COMPLETED], library.runs.get(run.id).error
        logs.append(bytes(watch.log))
    assert b"4 clips ready (4 encoded, 0 from cache)" in logs[0]
    assert b"4 clips ready (0 encoded, 4 from cache)" in logs[1]
    # The codes live beside the clip cache, not in either run's folder.
    work = Path(ssh_target.work_dir)
    assert len(list((work / "cache" / "codes").glob("*.npy"))) == 4
    assert not list((work / "runs").glob("*/codes_cache"))


def test_cli_cancel_of_a_run_nobody_follows_stops_it_on_the_ssh_target(
        library: Library, make_clips, tiny_model: Path, ssh_target: Target, qtbot) -> None:
    run = _prepare(library, make_clips, tiny_model, ssh_target, max_steps=400,
                   num_epochs=200)
    follower = _kill_the_owner_once_training(library, run.id, qtbot)
    qtbot.waitUntil(lambda: not pid_alive(follower), timeout=30_000)
    state = load_remote_state(library, run.id)
    remote = Path(state["remote_run_dir"])
    worker = int((remote / "worker.pid").read_text())
    assert pid_alive(worker), "the remote worker trains on without a follower"

    done = subprocess.run([MUSICLAB, "--data-dir", str(library.root), "runs", "cancel",
                           str(run.id)], env=os.environ.copy(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    record = library.runs.get(run.id)
    assert record.status == RunStatus.CANCELLED, record.error
    # The worker itself stopped on the SIGTERM, as a cancelled worker does.
    assert (remote / "exit_code").read_text().strip() == str(EXIT_CANCELLED)
    assert not pid_alive(worker)
    checkpoints = Path(record.output_dir or "") / "checkpoints"
    assert any(checkpoints.iterdir()), "the checkpoint written on cancel came back"
    # The terminal the worker wrote after the follower left is stored, once.
    assert library.telemetry.read_log(run.id) == (remote / TERMINAL_FILE).read_bytes()
    steps = library.telemetry.series_arrays(run.id, "loss").steps.tolist()
    assert steps == list(range(1, len(steps) + 1))


def _kill_the_owner_once_training(library: Library, run_id: int, qtbot) -> int | None:
    """The app that dies: a supervisor process owns the run and is killed without warning
    once metrics arrive. Returns the pid of the run's follower."""
    owner = subprocess.Popen([MUSICLAB, "--data-dir", str(library.root), "runs", "supervise",
                              str(run_id)], env=os.environ.copy(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        qtbot.waitUntil(lambda: bool(library.telemetry.all_series_arrays(run_id)),
                        timeout=240_000)
        follower = library.runs.get(run_id).pid
        owner.kill()
    finally:
        owner.wait()
    return follower
