"""Application restart and shutdown: nothing is lost, nothing stays RUNNING falsely."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from musiclab_desktop.core.services.runs import (
    INTERRUPTED_PENDING,
    INTERRUPTED_RUNNING,
    STOPPED_BY_USER,
)
from musiclab_desktop.core.status import RunStatus

from runner_kit import Harness
from shared_kit import fake_worker_command


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_restart_marks_runs_of_gone_processes_interrupted(harness: Harness) -> None:
    library = harness.library
    dead = harness.new_run("dead worker")
    library.runs.mark_running(dead.id, _dead_pid())
    library.telemetry.append_log(dead.id, [b"step 1\r", b"step 2\r"])
    library.telemetry.append_metrics(dead.id, [(1, "loss", 2.0, 1.0)])
    reused = harness.new_run("pid reused by another program")
    library.runs.mark_running(reused.id, os.getpid())
    pending = harness.new_run("queued")
    gone_owner = _dead_pid()
    library.runs.claim(pending.id, gone_owner)  # queued in a process that died
    starting = harness.new_run("being started by another process")  # not claimed yet
    alive = harness.new_run("trained by another process")
    worker = subprocess.Popen(fake_worker_command("wait_forever",
                                                  Path(alive.output_dir, "run.json")),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        library.runs.mark_running(alive.id, worker.pid)
        manager, _seen = harness.manager("complete")
        interrupted = manager.reconcile_on_startup()
        assert sorted(run.id for run in interrupted) == [dead.id, reused.id, pending.id]
        assert library.runs.get(alive.id).status == RunStatus.RUNNING
        assert library.runs.get(starting.id).status == RunStatus.PENDING
    finally:
        worker.kill()
        worker.wait()
    assert library.runs.get(dead.id).error == INTERRUPTED_RUNNING
    assert library.runs.get(reused.id).error == INTERRUPTED_RUNNING
    assert library.runs.get(pending.id).error == (
        f"interrupted: the process that owned this run (pid {gone_owner}) ended before the "
        "run started")
    assert library.telemetry.read_log(dead.id) == b"step 1\rstep 2\r"
    assert library.telemetry.series(dead.id, "loss").values == [2.0]


def test_reconcile_leaves_the_managers_own_runs_alone(harness: Harness) -> None:
    manager, seen = harness.manager("polite")
    run = harness.new_run()
    manager.start(run)
    harness.wait_until(lambda: Path(run.output_dir, "ready").exists())
    assert manager.reconcile_on_startup() == []
    manager.cancel(run.id)
    assert harness.wait_finished(seen, run.id) == RunStatus.CANCELLED


def test_shutdown_cancelling_stores_everything_and_marks_cancelled(harness: Harness) -> None:
    manager, seen = harness.manager("polite", flush_interval_ms=60_000)
    running, queued = harness.new_run(), harness.new_run()
    manager.start(running)
    manager.start(queued)
    harness.wait_until(lambda: Path(running.output_dir, "ready").exists())
    harness.wait_until(lambda: bytes(seen.log.get(running.id, b"")).endswith(b"waiting\n"))
    began = time.monotonic()
    manager.shutdown(cancel_running=True)
    assert time.monotonic() - began < 5.0
    assert not manager.has_active_runs()
    for run_id in (running.id, queued.id):
        record = harness.library.runs.get(run_id)
        assert (record.status, record.error) == (RunStatus.CANCELLED, STOPPED_BY_USER)
    # The timer never fired: the shutdown flush stored the whole log.
    assert harness.library.telemetry.read_log(running.id) == bytes(seen.log[running.id])
    assert harness.library.telemetry.series(running.id, "loss").steps == [1, 2]


def test_shutdown_without_cancelling_marks_runs_interrupted(harness: Harness) -> None:
    manager, _seen = harness.manager("stubborn")
    running, queued = harness.new_run(), harness.new_run()
    manager.start(running)
    manager.start(queued)
    harness.wait_until(lambda: Path(running.output_dir, "ready").exists())
    began = time.monotonic()
    manager.shutdown(cancel_running=False, timeout_s=0.5)
    assert time.monotonic() - began < 5.0
    assert harness.library.runs.get(running.id).error == INTERRUPTED_RUNNING
    assert harness.library.runs.get(queued.id).error == INTERRUPTED_PENDING
    assert harness.library.runs.get(running.id).status == RunStatus.FAILED
    assert harness.library.telemetry.read_log(running.id).endswith(b"waiting\n")


def test_cancel_of_a_run_another_process_trains(harness: Harness) -> None:
    library = harness.library
    manager, seen = harness.manager("complete")
    foreign = harness.new_run("trained by the CLI")
    worker = subprocess.Popen(fake_worker_command("polite",
                                                  Path(foreign.output_dir, "run.json")),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        harness.wait_until(lambda: Path(foreign.output_dir, "ready").exists())
        library.runs.mark_running(foreign.id, worker.pid)
        manager.cancel(foreign.id)  # SIGTERM; the owner records the end
        assert worker.wait(timeout=10) == 3
    finally:
        worker.kill()
        worker.wait()
    orphan = harness.new_run("owner gone")
    library.runs.mark_running(orphan.id, _dead_pid())
    manager.cancel(orphan.id)
    assert seen.finished == [(orphan.id, RunStatus.CANCELLED)]
