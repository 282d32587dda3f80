"""Resume, continue and promote through the runner and the CLI, with a stand-in worker
that writes checkpoints as the real one does (checkpoint_worker.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from musiclab_desktop.core import protocol
from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.resume import ResumeChangedError
from musiclab_desktop.core.services.runs import INTERRUPTED_RUNNING
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings

from runner_kit import MUSICLAB, Harness, Recorder
from shared_kit import finish_run

WORKER = Path(__file__).parent / "checkpoint_worker.py"


def manager(harness: Harness, mode: str) -> tuple[RunManager, Recorder]:
    command = lambda spec: [sys.executable, str(WORKER), mode, str(spec)]  # noqa: E731
    runner = RunManager(harness.library, RunnerSettings(cancel_grace_seconds=5.0), command)
    recorder = Recorder()
    recorder.attach(runner)
    harness.managers.append(runner)
    return runner, recorder


def losses(library: Library, run_id: int) -> dict[int, float]:
    series = library.telemetry.series(run_id, "loss")
    assert len(series.steps) == len(set(series.steps)), "a step was logged twice"
    return dict(zip(series.steps, series.values, strict=True))


def resume_and_finish(harness: Harness, run_id: int) -> None:
    library = harness.library
    runner, recorder = manager(harness, "oom")
    record = runner.resume(run_id)
    assert record.status == RunStatus.PENDING and record.resume_steps == [2]
    assert harness.wait_finished(recorder, run_id) == RunStatus.COMPLETED
    run = library.runs.get(run_id)
    assert run.resume_steps == [2] and run.adapter_id is not None
    # Steps 1-2 from the first attempt, 3-4 from the resumed one: step 3 of the
    # interrupted attempt (5/3) is superseded, not duplicated.
    assert losses(library, run_id) == {1: 5.0, 2: 2.5, 3: pytest.approx(1 / 3), 4: 0.25}
    log = library.telemetry.read_log(run_id)
    old, separator, new = log.partition("──── resumed from step 2 ────".encode())
    assert b"training step 3" in old and separator
    assert b"resuming after step 2" in new and b"training step 4" in new
    spec = json.loads((Path(run.output_dir) / protocol.RUN_SPEC_FILE).read_text())
    assert spec["resume_from"].endswith("step-000002")


def test_a_run_that_ran_out_of_memory_resumes_from_its_checkpoint(harness: Harness) -> None:
    runner, recorder = manager(harness, "oom")
    run = harness.new_run()
    runner.start(run)
    assert harness.wait_finished(recorder, run.id) == RunStatus.FAILED
    assert "out of memory" in harness.library.runs.get(run.id).error

    resume_and_finish(harness, run.id)


def test_a_cancelled_run_resumes_from_its_checkpoint(harness: Harness) -> None:
    runner, recorder = manager(harness, "wait")
    run = harness.new_run()
    runner.start(run)
    harness.wait_until(lambda: (Path(run.output_dir) / "ready").exists())
    runner.cancel(run.id)
    assert harness.wait_finished(recorder, run.id) == RunStatus.CANCELLED

    resume_and_finish(harness, run.id)


def test_an_interrupted_run_resumes_and_a_second_resume_is_refused_while_it_trains(
        harness: Harness) -> None:
    library = harness.library
    runner, recorder = manager(harness, "oom")
    run = harness.new_run()
    runner.start(run)
    assert harness.wait_finished(recorder, run.id) == RunStatus.FAILED
    # As a restart after a crash records it (the worker had stopped at step 3).
    with library.transaction() as session:
        from musiclab_desktop.core.models import Run

        session.get(Run, run.id).error = INTERRUPTED_RUNNING
    resume_and_finish(harness, run.id)
    with pytest.raises(InvalidStateError, match="Continue training"):
        library.runs.prepare_resume(run.id)


def test_resume_without_a_checkpoint_is_refused_with_a_sentence(harness: Harness) -> None:
    library = harness.library
    run = harness.new_run()
    library.runs.fail(run.id, "CUDA out of memory")
    with pytest.raises(InvalidStateError, match="no checkpoint to resume from"):
        library.runs.prepare_resume(run.id)
    assert library.runs.get(run.id).status == RunStatus.FAILED


def test_a_changed_dataset_asks_first(harness: Harness, make_clips) -> None:
    library = harness.library
    runner, recorder = manager(harness, "oom")
    run = harness.new_run()
    runner.start(run)
    assert harness.wait_finished(recorder, run.id) == RunStatus.FAILED
    (Path(run.output_dir) / "checkpoints" / "step-000002" / "checkpoint.json").write_text(
        json.dumps({"step": 2, "loss": 2.5, "dataset_fingerprint": "before-the-edit",
                    "code_version": "0.0.1"}))
    with pytest.raises(ResumeChangedError) as refused:
        library.runs.prepare_resume(run.id)
    assert "the dataset changed" in str(refused.value)
    assert "MusicLab was updated (from 0.0.1" in str(refused.value)
    assert library.runs.get(run.id).status == RunStatus.FAILED
    assert library.runs.prepare_resume(run.id, force=True).status == RunStatus.PENDING


# --- the CLI ---------------------------------------------------------------------------

@pytest.fixture
def musiclab(tmp_path: Path, library: Library):
    def run(*args: str, mode: str = "oom") -> subprocess.CompletedProcess[str]:
        interpreter = tmp_path / f"python-{mode}"
        interpreter.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{WORKER}" {mode} "$3"\n')
        interpreter.chmod(0o755)
        env = {**os.environ, "MUSICLAB_DATA_DIR": str(library.root),
               "MUSICLAB_TRAINING_PYTHON": str(interpreter)}
        return subprocess.run([MUSICLAB, *args], env=env, capture_output=True, text=True,
                              timeout=60)
    return run


def test_cli_resumes_a_failed_run_and_refuses_one_without_checkpoint(
        musiclab, library: Library, experiment_with_dataset) -> None:
    first = musiclab("runs", "start", str(experiment_with_dataset.id))
    assert first.returncode == 1
    run = library.runs.list(experiment_with_dataset.id)[0]
    assert run.status == RunStatus.FAILED

    resumed = musiclab("runs", "resume", str(run.id), "--wait")

    assert resumed.returncode == 0, resumed.stderr
    assert f"Run {run.id} '{run.name}' resumes from step 2." in resumed.stdout
    assert "resuming after step 2" in resumed.stderr  # the terminal, with --wait
    assert library.runs.get(run.id).status == RunStatus.COMPLETED

    bare = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.fail(bare.id, "interrupted: the application closed while this run was "
                               "training")
    refused = musiclab("runs", "resume", str(bare.id))
    assert refused.returncode == 4
    assert refused.stderr.strip() == (
        f"error: Run '{bare.name}' has no checkpoint to resume from: it stopped before "
        "its first checkpoint was written.")


def test_cli_continue_starts_a_child_run_from_the_parent_adapter(
        musiclab, library: Library, experiment_with_dataset) -> None:
    parent = library.runs.prepare_start(experiment_with_dataset.id,
                                        override={"learning_rate": 1e-4})
    finish_run(library, parent.id, 0.5)
    adapter = library.adapters.get(library.runs.get(parent.id).adapter_id)

    result = musiclab("runs", "continue", str(parent.id), "--set", "num_epochs=8", "--json")

    assert result.returncode == 1  # the stand-in worker fails a fresh attempt
    child = json.loads(result.stdout.splitlines()[0])
    assert child["parent_run_id"] == parent.id
    config = library.runs.effective_config(child["id"])
    assert config.num_epochs == 8 and config.learning_rate == 1e-4
    spec = json.loads((Path(child["output_dir"]) / protocol.RUN_SPEC_FILE).read_text())
    assert spec["init_adapter"] == adapter.path
    shown = musiclab("runs", "show", str(child["id"]))
    assert f"Continued from: run {parent.id}" in shown.stdout

    shape = musiclab("runs", "continue", str(parent.id), "--set", "lora_r=32")
    assert shape.returncode == 5 and "keeps lora_r" in shape.stderr


def test_cli_promotes_a_kept_checkpoint(musiclab, library: Library,
                                        experiment_with_dataset) -> None:
    musiclab("runs", "start", str(experiment_with_dataset.id))
    run = library.runs.list(experiment_with_dataset.id)[0]

    promoted = musiclab("adapters", "promote", str(run.id), "--step", "2", "--json")

    assert promoted.returncode == 0, promoted.stderr
    adapter = json.loads(promoted.stdout)
    assert adapter["name"] == f"tones experiment-{run.name}-step2"
    assert adapter["run_id"] == run.id and adapter["final_loss"] == 2.5
    folder = Path(adapter["path"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "adapter_config.json", "adapter_model.safetensors", "musiclab_adapter.json"]
    again = musiclab("adapters", "promote", str(run.id), "--step", "2")
    assert again.returncode == 4 and "already the adapter" in again.stderr
    missing = musiclab("adapters", "promote", str(run.id), "--step", "7")
    assert missing.returncode == 3
    assert "no kept checkpoint at step 7 (kept: steps 2)" in missing.stderr
