"""Cancelling (politely, then by force), and the FIFO queue of one slot."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from musiclab_desktop.core.services.runs import STOPPED_BY_USER
from musiclab_desktop.core.status import RunStatus

from runner_kit import Harness


def _start_and_wait_ready(harness: Harness, mode: str, grace: float):
    manager, seen = harness.manager(mode, cancel_grace_seconds=grace)
    run = harness.new_run()
    manager.start(run)
    harness.wait_until(lambda: Path(run.output_dir, "ready").exists())
    return manager, seen, run


def test_cancel_stops_a_polite_worker_within_the_grace_period(harness: Harness) -> None:
    manager, seen, run = _start_and_wait_ready(harness, "polite", grace=5.0)
    began = time.monotonic()
    manager.cancel(run.id)
    assert harness.wait_finished(seen, run.id) == RunStatus.CANCELLED
    assert time.monotonic() - began < 5.0
    cancelled = harness.library.runs.get(run.id)
    assert cancelled.error == STOPPED_BY_USER
    log = harness.library.telemetry.read_log(run.id)
    assert log.endswith(b"waiting\nstopping after this step\n")
    assert harness.library.telemetry.series(run.id, "loss").steps == [1, 2]
    assert not manager.has_active_runs()


def test_a_worker_ignoring_sigterm_is_killed_after_the_grace_period(harness: Harness) -> None:
    manager, seen, run = _start_and_wait_ready(harness, "stubborn", grace=0.5)
    began = time.monotonic()
    manager.cancel(run.id)
    assert harness.wait_finished(seen, run.id) == RunStatus.CANCELLED
    assert 0.5 <= time.monotonic() - began < 5.0
    assert harness.library.runs.get(run.id).error == STOPPED_BY_USER
    assert harness.library.telemetry.series(run.id, "loss").steps == [1, 2]


def test_sigterm_from_outside_the_app_ends_cancelled(harness: Harness) -> None:
    _manager, seen, run = _start_and_wait_ready(harness, "polite", grace=5.0)
    os.kill(harness.library.runs.get(run.id).pid, signal.SIGTERM)
    assert harness.wait_finished(seen, run.id) == RunStatus.CANCELLED


def test_second_run_waits_pending_for_the_only_slot(harness: Harness, monkeypatch) -> None:
    monkeypatch.setenv("STEP_DELAY", "0.1")
    manager, seen = harness.manager("slow_complete")
    first, second = harness.new_run(), harness.new_run()
    manager.start(first)
    manager.start(second)
    assert manager.active_run_ids() == [first.id, second.id]
    assert manager.queued_run_ids() == [second.id]
    harness.wait_until(lambda: seen.status_history(first.id) == [RunStatus.RUNNING])
    assert harness.library.runs.get(second.id).status == RunStatus.PENDING

    assert harness.wait_finished(seen, second.id) == RunStatus.COMPLETED
    order = [(rid, status) for rid, status in seen.statuses]
    assert order == [
        (first.id, RunStatus.RUNNING), (first.id, RunStatus.COMPLETED),
        (second.id, RunStatus.RUNNING), (second.id, RunStatus.COMPLETED),
    ]
    first_done = harness.library.runs.get(first.id).finished_at
    assert harness.library.runs.get(second.id).started_at >= first_done


def test_two_slots_run_two_at_once(harness: Harness, monkeypatch) -> None:
    monkeypatch.setenv("STEP_DELAY", "0.2")
    manager, seen = harness.manager("slow_complete", max_concurrent_runs=2)
    first, second = harness.new_run(), harness.new_run()
    manager.start(first)
    manager.start(second)
    assert manager.queued_run_ids() == []
    harness.wait_until(lambda: len(seen.statuses) >= 2)
    assert sorted(seen.statuses) == [(first.id, "RUNNING"), (second.id, "RUNNING")]
    harness.wait_finished(seen, first.id)
    assert harness.wait_finished(seen, second.id) == RunStatus.COMPLETED


def test_cancelling_a_queued_run_removes_it_at_once(harness: Harness) -> None:
    manager, seen, running = _start_and_wait_ready(harness, "polite", grace=5.0)
    queued = harness.new_run()
    manager.start(queued)
    manager.cancel(queued.id)
    assert seen.finished == [(queued.id, RunStatus.CANCELLED)]
    assert manager.active_run_ids() == [running.id]
    record = harness.library.runs.get(queued.id)
    assert record.status == RunStatus.CANCELLED and record.started_at is None
    manager.cancel(running.id)
    harness.wait_finished(seen, running.id)
    assert manager.active_run_ids() == []


def test_a_queued_run_cancelled_elsewhere_is_skipped(harness: Harness) -> None:
    manager, seen, running = _start_and_wait_ready(harness, "polite", grace=5.0)
    queued = harness.new_run()
    manager.start(queued)
    harness.library.runs.cancel(queued.id)  # e.g. `musiclab runs cancel` meanwhile
    manager.cancel(running.id)
    harness.wait_finished(seen, running.id)
    assert not manager.has_active_runs()
    assert harness.library.runs.get(queued.id).status == RunStatus.CANCELLED
