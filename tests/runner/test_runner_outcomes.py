"""How each way a worker can end becomes the run's outcome, with its output kept."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings

from runner_kit import Harness


def test_completed_run_stores_log_metrics_and_adapter(harness: Harness) -> None:
    manager, seen = harness.manager("complete")
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(seen, run.id) == RunStatus.COMPLETED
    assert seen.status_history(run.id) == [RunStatus.RUNNING, RunStatus.COMPLETED]

    stored = harness.library.telemetry.read_log(run.id)
    assert stored == bytes(seen.log[run.id])
    assert b"\rtrain: 3/3" in stored and "\u266a".encode() in stored and b"\x1b[32m" in stored
    series = harness.library.telemetry.all_series(run.id)
    assert series["loss"].steps == [1, 2, 3]
    assert series["learning_rate"].steps == [1, 2, 3]
    assert len(seen.points[run.id]) == 6
    assert seen.progress[-1] == (run.id, 3, 3)
    assert (run.id, "training", "Training") in seen.phases

    done = harness.library.runs.get(run.id)
    assert done.current_step == 3 and done.total_steps == 3 and done.pid is None
    adapter = harness.library.adapters.list()[0]
    assert adapter.name == "tones experiment-run-1" and adapter.run_id == run.id
    assert Path(adapter.path, "adapter_config.json").is_file()
    experiment = harness.library.experiments.get(harness.experiment_id)
    assert experiment.best_run_id == run.id and experiment.status == "COMPLETED"


def test_sigkill_mid_run_fails_naming_the_signal_and_keeps_partial_output(
        harness: Harness) -> None:
    manager, seen = harness.manager("wait_forever")
    run = harness.new_run()
    manager.start(run)
    ready = Path(run.output_dir, "ready")
    harness.wait_until(lambda: ready.exists() and len(seen.points.get(run.id, [])) == 4)
    os.kill(harness.library.runs.get(run.id).pid, signal.SIGKILL)

    assert harness.wait_finished(seen, run.id) == RunStatus.FAILED
    failed = harness.library.runs.get(run.id)
    assert "killed by SIGKILL" in failed.error
    assert "waiting" in failed.error  # the last thing it printed
    assert harness.library.telemetry.series(run.id, "loss").steps == [1, 2]
    assert harness.library.telemetry.read_log(run.id).endswith(b"waiting\n")
    assert harness.library.experiments.get(harness.experiment_id).status == "FAILED"


def test_exit_zero_without_completed_event_fails(harness: Harness) -> None:
    manager, seen = harness.manager("no_result")
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(seen, run.id) == RunStatus.FAILED
    error = harness.library.runs.get(run.id).error
    assert "exited (code 0) without reporting a result" in error
    assert "all done, I think" in error
    assert harness.library.adapters.list() == []


def test_traceback_last_frame_is_the_failure_reason(harness: Harness) -> None:
    manager, seen = harness.manager("traceback_crash")
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(seen, run.id) == RunStatus.FAILED
    error = harness.library.runs.get(run.id).error
    assert error.startswith("The training process exited with code 1. Last output: ")
    assert "ValueError: segment clip3.wav is empty (in load_segment, fake_worker.py:" in error


def test_out_of_memory_error_event_gets_the_hint(harness: Harness) -> None:
    manager, seen = harness.manager("out_of_memory")
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(seen, run.id) == RunStatus.FAILED
    error = harness.library.runs.get(run.id).error
    assert error.startswith("CUDA out of memory. Tried to allocate 2.00 GiB")
    assert "batch size" in error and "gradient checkpointing" in error


def test_host_memory_error_without_event_is_recognised(harness: Harness) -> None:
    manager, seen = harness.manager("host_oom_crash")
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(seen, run.id) == RunStatus.FAILED
    error = harness.library.runs.get(run.id).error
    assert error.startswith("Training ran out of memory (The training process exited with code 1)")
    assert "MemoryError" in error and "gradient checkpointing" in error


def test_interpreter_without_torch_says_how_to_install(harness: Harness) -> None:
    manager, seen = harness.manager("missing_torch")
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(seen, run.id) == RunStatus.FAILED
    error = harness.library.runs.get(run.id).error
    assert "cannot import torch, transformers and peft (No module named 'torch')" in error
    assert "pip install 'musiclab-desktop[train]'" in error


def test_interpreter_that_does_not_exist_fails_the_run(harness: Harness,
                                                       tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-python")
    manager = RunManager(harness.library, RunnerSettings(training_interpreter=missing))
    finished: list[tuple[int, str]] = []
    manager.runFinished.connect(lambda r, s: finished.append((r, s)))
    run = harness.new_run()
    manager.start(run)
    harness.wait_until(lambda: bool(finished))
    assert finished == [(run.id, RunStatus.FAILED)]
    error = harness.library.runs.get(run.id).error
    assert error.startswith(f"Cannot start the training interpreter {missing}")


def test_stray_stdout_is_logged_and_split_events_are_joined(harness: Harness) -> None:
    manager, seen = harness.manager("stray_stdout")
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(seen, run.id) == RunStatus.COMPLETED
    assert harness.library.telemetry.read_log(run.id) == (
        b"a library printed this to the real stdout\n")
    assert harness.library.telemetry.series(run.id, "loss").values == [0.5]
    assert harness.library.runs.get(run.id).final_loss == 0.5


def test_only_pending_runs_start(harness: Harness) -> None:
    manager, seen = harness.manager("complete")
    run = harness.new_run()
    manager.start(run)
    harness.wait_finished(seen, run.id)
    try:
        manager.start(run)
    except Exception as exc:
        assert "only a pending run can be started" in str(exc)
    else:
        raise AssertionError("a finished run started again")
