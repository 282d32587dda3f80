"""A run whose owner was killed (``kill -9`` of ``runs start --wait`` or of the --detach
supervisor) is ended by the next ``runs`` command, and ``runs logs --follow`` returns.

Real processes, real SIGKILL; the workers are fake ones that use the real worker's
owner watch (training/owner_watch.py), so no torch is needed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.status import RunStatus

from runner_kit import Harness

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")




def wait_for(path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def show(cli, run_id: int) -> dict:
    result = cli("complete", "runs", "show", str(run_id), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_kill_9_of_runs_start_wait_ends_the_run_for_every_command(
        cli, library: Library) -> None:
    owner = cli("watched", "runs", "start", cli.experiment_id, "--wait", wait=False)
    wait_for(library.runs_dir / "1" / "ready")
    follower = cli("complete", "runs", "logs", "1", "--follow", wait=False)
    owner.send_signal(signal.SIGKILL)
    owner.communicate(timeout=10)

    # The follower notices by itself: it must not wait forever.
    followed, _ = follower.communicate(timeout=20)
    assert follower.returncode == 0
    run = show(cli, 1)
    assert run["status"] == RunStatus.FAILED
    assert run["error"].startswith(
        f"interrupted: the process that owned this run (pid {owner.pid}) ended; "
        "training stopped after step ")
    listed = cli("complete", "runs", "list", cli.experiment_id, "--json")
    assert [r["status"] for r in json.loads(listed.stdout)] == [RunStatus.FAILED]
    # What the worker said after its owner died is kept, as are its metrics.
    log = library.telemetry.read_log(1)
    assert log.endswith(b"stopping after this step\n")
    assert b"has ended: stopping after this step" in log
    assert followed == log
    # (What the killed owner held in memory, up to 250 ms of it, died with it.)
    steps = library.telemetry.series(1, "loss").steps
    stopped_at = int(re.search(r"after step (\d+)", run["error"])[1])
    assert steps[-1] == stopped_at and steps == sorted(set(steps))
    assert not list((library.runs_dir / "1").glob("owner_gone*"))
    # Nothing is stuck any more: the run can be deleted.
    assert cli("complete", "runs", "delete", cli.experiment_id, "1").returncode == 0


def test_kill_9_of_the_detach_supervisor_ends_the_run(cli, library: Library) -> None:
    started = cli("watched", "runs", "start", cli.experiment_id, "--detach")
    assert started.returncode == 0, started.stderr
    supervisor = int(re.search(rb"supervisor pid (\d+)", started.stdout)[1])
    assert library.runs.get(1).owner_pid == supervisor
    wait_for(library.runs_dir / "1" / "ready")
    follower = cli("complete", "runs", "logs", "1", "--follow", wait=False)
    os.kill(supervisor, signal.SIGKILL)

    follower.communicate(timeout=20)
    assert follower.returncode == 0
    run = show(cli, 1)
    assert run["status"] == RunStatus.FAILED
    assert f"(pid {supervisor}) ended; training stopped after step" in run["error"]
    assert library.telemetry.read_log(1).endswith(b"stopping after this step\n")


def test_owner_killed_while_the_adapter_is_saved_registers_it(
        cli, library: Library) -> None:
    owner = cli("watched_saving", "runs", "start", cli.experiment_id, "--wait", wait=False)
    wait_for(library.runs_dir / "1" / "ready")
    owner.send_signal(signal.SIGKILL)
    owner.communicate(timeout=10)

    follower = cli("complete", "runs", "logs", "1", "--follow", wait=False)
    followed, _ = follower.communicate(timeout=20)
    assert followed.endswith(b"adapter saved\n")
    run = show(cli, 1)
    assert (run["status"], run["error"], run["final_loss"]) == (
        RunStatus.COMPLETED, None, 0.5)
    adapters = json.loads(cli("complete", "adapters", "list", "--json").stdout)
    assert [a["run_id"] for a in adapters] == [1]
    assert Path(adapters[0]["path"], "adapter_model.safetensors").is_file()


def test_cancel_of_an_orphan_whose_adapter_is_saved_completes_it(
        cli, library: Library) -> None:
    owner = cli("saved_then_wait", "runs", "start", cli.experiment_id, "--wait", wait=False)
    wait_for(library.runs_dir / "1" / "ready")
    owner.send_signal(signal.SIGKILL)
    owner.communicate(timeout=10)
    assert library.runs.get(1).status == RunStatus.RUNNING  # its worker is still alive

    cancelled = cli("complete", "runs", "cancel", "1", "--json")
    assert cancelled.returncode == 0, cancelled.stderr
    run = json.loads(cancelled.stdout)
    assert (run["status"], run["error"]) == (RunStatus.COMPLETED, None)
    assert run["adapter_id"] is not None


# --- the window (a RunManager living in another process) ------------------------------

def test_a_running_window_ends_runs_whose_owner_died(cli, harness: Harness) -> None:
    _window, seen = harness.manager("complete", watch_interval_ms=200)
    owner = cli("watched", "runs", "start", cli.experiment_id, "--wait", wait=False)
    wait_for(harness.library.runs_dir / "1" / "ready")
    owner.send_signal(signal.SIGKILL)
    owner.communicate(timeout=10)
    assert harness.wait_finished(seen, 1) == RunStatus.FAILED
    assert "ended; training stopped after step" in harness.library.runs.get(1).error


def test_window_cancel_of_a_run_whose_owner_died_records_the_end(
        cli, harness: Harness) -> None:
    window, seen = harness.manager("complete")
    owner = cli("polite", "runs", "start", cli.experiment_id, "--wait", wait=False)
    wait_for(harness.library.runs_dir / "1" / "ready")
    owner.send_signal(signal.SIGKILL)
    owner.communicate(timeout=10)
    window.reconcile_on_startup()
    assert harness.library.runs.get(1).status == RunStatus.RUNNING  # its worker lives on

    window.cancel(1)  # SIGTERM: the worker stops; nobody but the window is left to record it
    assert harness.wait_finished(seen, 1, timeout_ms=10_000) == RunStatus.CANCELLED
    assert harness.library.runs.get(1).error == "stopped by user"


def test_the_owner_keeps_its_runs_heartbeat_fresh(harness: Harness) -> None:
    manager, seen = harness.manager("polite", watch_interval_ms=100)
    run = harness.new_run()
    manager.start(run)
    harness.wait_until(lambda: Path(run.output_dir, "ready").exists())
    first = harness.library.runs.get(run.id).owner_heartbeat_at
    assert harness.library.runs.get(run.id).owner_pid == os.getpid()
    harness.wait_until(lambda: harness.library.runs.get(run.id).owner_heartbeat_at > first)
    manager.cancel(run.id)
    assert harness.wait_finished(seen, run.id) == RunStatus.CANCELLED


def test_a_worker_killed_after_saving_its_adapter_completes(harness: Harness) -> None:
    manager, seen = harness.manager("saved_then_wait")
    run = harness.new_run()
    manager.start(run)
    harness.wait_until(lambda: Path(run.output_dir, "ready").exists())
    manager.cancel(run.id, grace_s=0)  # killed while it "samples": the adapter is whole
    assert harness.wait_finished(seen, run.id) == RunStatus.COMPLETED
    record = harness.library.runs.get(run.id)
    assert (record.final_loss, record.error) == (0.5, None)
    assert record.adapter_id is not None
