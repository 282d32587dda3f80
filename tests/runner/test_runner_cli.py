"""``musiclab runs start / cancel / logs --follow`` for real, in subprocesses, on fake workers.

A fake *training interpreter* (a shell script set through MUSICLAB_TRAINING_PYTHON)
receives ``-m musiclab_desktop.training RUN_SPEC`` and runs a fake worker instead.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="shell-script interpreter")




def test_start_wait_streams_the_terminal_and_exits_zero(cli, library: Library) -> None:
    result = cli("complete", "runs", "start", cli.experiment_id, "--wait", "--name", "first")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "Run 1 'first' created (PENDING)."
    assert lines[-1] == "Run 1 'first': COMPLETED, final loss 1.6667"
    assert result.stderr == library.telemetry.read_log(1)
    assert b"\rtrain: 3/3" in result.stderr


def test_start_json_prints_the_run_at_once_and_at_the_end(cli) -> None:
    result = cli("no_result", "runs", "start", cli.experiment_id, "--json",
                 "--set", "lora_r=4")
    assert result.returncode == 1
    first, last = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert (first["id"], first["status"]) == (1, "PENDING")
    assert first["config_override"] == {"lora_r": 4}
    assert last["status"] == "FAILED" and "without reporting a result" in last["error"]
    assert result.stderr == b""  # without --wait the terminal is not shown


def test_ctrl_c_cancels_the_run(cli, library: Library) -> None:
    process = cli("polite", "runs", "start", cli.experiment_id, "--wait", wait=False)
    ready = Path(library.runs_dir, "1", "ready")
    deadline = time.monotonic() + 20
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert b"Cancelling run 1" in stderr and b"stopping after this step" in stderr
    assert stdout.decode().splitlines()[-1] == "Run 1 'run-1': CANCELLED (stopped by user)"


def test_detached_run_followed_then_cancelled_from_another_command(
        cli, library: Library) -> None:
    started = cli("polite", "runs", "start", cli.experiment_id, "--detach")
    assert started.returncode == 0, started.stderr
    assert b"musiclab runs logs 1 --follow" in started.stdout
    follower = cli("polite", "runs", "logs", "1", "--follow", wait=False)
    ready = Path(library.runs_dir, "1", "ready")
    deadline = time.monotonic() + 20
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert library.runs.get(1).status == "RUNNING"

    cancelled = cli("polite", "runs", "cancel", "1", "--json")
    assert cancelled.returncode == 0, cancelled.stderr
    assert json.loads(cancelled.stdout)["status"] == "CANCELLED"
    followed, _ = follower.communicate(timeout=30)
    assert follower.returncode == 0
    assert followed == library.telemetry.read_log(1)
    assert followed.endswith(b"stopping after this step\n")


def test_cancel_and_logs_errors(cli, library: Library) -> None:
    assert cli("complete", "runs", "cancel", "7").returncode == 3
    assert cli("complete", "runs", "start", cli.experiment_id, "--wait").returncode == 0
    again = cli("complete", "runs", "cancel", "1")
    assert again.returncode == 4 and b"already finished" in again.stderr
    assert cli("complete", "runs", "logs", "1", "--follow").stdout == (
        library.telemetry.read_log(1))


def test_cancel_a_run_nobody_trains_marks_it(cli, library: Library) -> None:
    run = library.runs.prepare_start(int(cli.experiment_id))
    result = cli("complete", "runs", "cancel", str(run.id))
    assert result.returncode == 0
    assert library.runs.get(run.id).status == "CANCELLED"
