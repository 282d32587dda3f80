"""A worker waiting for disk space to save its adapter: the runner, ``runs start`` and the
--detach supervisor each say so in one sentence, and the run completes once there is room.
(The worker's own waiting, on a really full file system: tests/training/test_train_disk_full.py.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.status import RunStatus

from runner_kit import MUSICLAB, Harness
from shared_kit import fake_interpreter


def disk_full_sentence(folder: Path) -> str:
    return (f"The disk is full: the adapter cannot be saved to {folder / 'adapter'}. "
            "The trained weights are kept in memory and saved as soon as there is room.")


def wait_for(path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_the_runner_reports_it_and_completes_when_there_is_room(harness: Harness) -> None:
    manager, seen = harness.manager("disk_full_wait")
    problems: list[str] = []
    manager.storageProblem.connect(problems.append)
    run = harness.new_run()
    manager.start(run)
    folder = Path(run.output_dir)
    harness.wait_until(lambda: bool(problems))
    assert problems == [disk_full_sentence(folder)]
    assert harness.library.runs.get(run.id).status == RunStatus.RUNNING
    (folder / "room").touch()
    assert harness.wait_finished(seen, run.id) == RunStatus.COMPLETED


def test_cancel_while_waiting_records_what_was_not_kept(harness: Harness) -> None:
    manager, seen = harness.manager("disk_full_cancelled")
    run = harness.new_run()
    manager.start(run)
    harness.wait_until(lambda: Path(run.output_dir, "ready").exists())
    manager.cancel(run.id)
    assert harness.wait_finished(seen, run.id) == RunStatus.CANCELLED
    assert harness.library.runs.get(run.id).error == (
        "stopped by user: The adapter was not saved: the disk was still full when the run "
        "was cancelled. No checkpoint is kept (checkpoints were off).")


@pytest.mark.skipif(sys.platform == "win32", reason="shell-script interpreter")
@pytest.mark.parametrize("detach", [False, True], ids=["runs start", "supervisor"])
def test_the_cli_and_the_supervisor_say_it_in_one_sentence(
        tmp_path: Path, library: Library, experiment_with_dataset, detach: bool) -> None:
    interpreter = fake_interpreter(tmp_path, "disk_full_wait")
    env = {**os.environ, "MUSICLAB_DATA_DIR": str(library.root),
           "MUSICLAB_TRAINING_PYTHON": str(interpreter)}
    command = [MUSICLAB, "runs", "start", str(experiment_with_dataset.id)]
    if detach:
        command.append("--detach")
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    folder = library.runs_dir / "1"
    wait_for(folder / "waiting_for_room")
    time.sleep(0.5)  # the owner reads the event meanwhile
    (folder / "room").touch()
    _out, err = process.communicate(timeout=30)
    if detach:
        deadline = time.monotonic() + 20
        while library.runs.get(1).is_active and time.monotonic() < deadline:
            time.sleep(0.1)
        err = (folder / "supervisor.log").read_bytes()
    else:
        assert process.returncode == 0
    assert err.decode().splitlines() == [disk_full_sentence(folder)]
    assert library.runs.get(1).status == RunStatus.COMPLETED


def test_runs_start_reports_a_full_data_folder_once(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``runs start`` and the supervisor run: the window's sentence, once, as a notice."""
    from musiclab_desktop.core.errors import StorageError
    from musiclab_desktop.core.services.telemetry import TelemetryService
    from musiclab_desktop.runner.foreground import train_in_foreground
    from musiclab_desktop.runner.settings import RunnerSettings

    from runner_kit import fake_command

    full = "Cannot write to the data folder: the disk is full."
    tries: list[int] = []
    real_append_log = TelemetryService.append_log

    def append_log(self: TelemetryService, run_id: int, chunks: list[bytes]) -> None:
        tries.append(run_id)
        if len(tries) < 3:
            raise StorageError(full)
        real_append_log(self, run_id, chunks)

    monkeypatch.setattr(TelemetryService, "append_log", append_log)
    notices: list[str] = []
    status = train_in_foreground(
        harness.library, harness.new_run(), settings=RunnerSettings(),
        worker_command=fake_command("complete"), on_notice=notices.append)
    assert status == RunStatus.COMPLETED
    assert notices == [full]
