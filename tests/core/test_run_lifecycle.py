"""Starting runs, status tracking and adapter linking (SPEC: Experiment Runs, Status)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from musiclab_desktop.core.errors import InvalidStateError, ValidationError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import RunSpec

from shared_kit import finish_run as finish


def test_start_validates_exports_and_creates_a_pending_run(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    assert (run.name, run.status, run.config_override) == ("run-1", "PENDING", None)
    folder = Path(run.output_dir)
    lines = [json.loads(line) for line in (folder / "dataset.jsonl").read_text().splitlines()]
    assert len(lines) == 3
    assert set(lines[0]) == {"path", "duration", "sample_rate", "channels", "description"}
    assert Path(lines[0]["path"]).is_absolute() and lines[0]["description"]
    spec = RunSpec.load(folder / "run.json")
    assert spec.run_id == run.id and spec.config == experiment_with_dataset.config
    assert library.runs.prepare_start(experiment_with_dataset.id).name == "run-2"


def test_start_without_dataset_is_refused_and_creates_no_run(library: Library) -> None:
    experiment = library.experiments.create("no data")
    with pytest.raises(InvalidStateError, match="dataset is required"):
        library.runs.prepare_start(experiment.id)
    assert library.runs.list(experiment.id) == []
    assert list(library.runs_dir.iterdir()) == []


def test_override_stores_only_changed_values_and_training_uses_the_merge(
    library: Library, experiment_with_dataset
) -> None:
    base = experiment_with_dataset.config
    run = library.runs.prepare_start(
        experiment_with_dataset.id, override={"lora_r": 4, "learning_rate": base["learning_rate"]}
    )
    assert run.config_override == {"lora_r": 4}
    spec = RunSpec.load(Path(run.output_dir) / "run.json")
    assert spec.config == {**base, "lora_r": 4}
    assert library.runs.effective_config(run.id).lora_r == 4


def test_invalid_override_or_taken_name_creates_nothing(
    library: Library, experiment_with_dataset
) -> None:
    with pytest.raises(ValidationError):
        library.runs.prepare_start(experiment_with_dataset.id, override={"lora_r": -1})
    library.runs.prepare_start(experiment_with_dataset.id, name="mine")
    with pytest.raises(ValidationError):
        library.runs.prepare_start(experiment_with_dataset.id, name="mine")
    assert len(library.runs.list(experiment_with_dataset.id)) == 1


def test_start_refused_when_dataset_folder_vanished(
    library: Library, experiment_with_dataset
) -> None:
    folder = Path(library.datasets.get(experiment_with_dataset.dataset_id).folder)
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()
    with pytest.raises(InvalidStateError, match="no longer exists"):
        library.runs.prepare_start(experiment_with_dataset.id)
    assert library.runs.list(experiment_with_dataset.id) == []


def test_experiment_becomes_running_when_a_run_starts(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    assert library.experiments.get(experiment_with_dataset.id).status == "DRAFT"
    library.runs.mark_running(run.id, pid=4321)
    assert library.experiments.get(experiment_with_dataset.id).status == "RUNNING"
    assert library.runs.get(run.id).pid == 4321


def test_completion_registers_a_linked_adapter_and_the_best_run(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish(library, run.id, 2.5)
    done = library.runs.get(run.id)
    adapter = library.adapters.get(done.adapter_id)
    assert adapter.name == "tones experiment-run-1"
    assert adapter.run_id == run.id and adapter.final_loss == 2.5
    assert (Path(adapter.path) / "adapter_config.json").is_file()
    experiment = library.experiments.get(experiment_with_dataset.id)
    assert (experiment.status, experiment.best_run_id, experiment.best_loss) == (
        "COMPLETED", run.id, 2.5)


def test_best_run_changes_only_when_a_run_improves_it(
    library: Library, experiment_with_dataset
) -> None:
    ids = [library.runs.prepare_start(experiment_with_dataset.id).id for _ in range(3)]
    finish(library, ids[0], 3.0)
    finish(library, ids[1], 2.0)
    finish(library, ids[2], 2.4)
    experiment = library.experiments.get(experiment_with_dataset.id)
    assert (experiment.best_run_id, experiment.best_loss) == (ids[1], 2.0)


def test_completion_without_adapter_folder_is_refused(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.mark_running(run.id, pid=None)
    with pytest.raises(InvalidStateError, match="adapter folder"):
        library.runs.complete(run.id, adapter_dir=Path(run.output_dir) / "adapter",
                              final_loss=1.0)
    assert library.runs.get(run.id).status == "RUNNING"


def test_all_runs_terminal_with_one_completed_makes_the_experiment_completed(
    library: Library, experiment_with_dataset
) -> None:
    first = library.runs.prepare_start(experiment_with_dataset.id)
    second = library.runs.prepare_start(experiment_with_dataset.id)
    finish(library, first.id, 1.0)
    library.runs.mark_running(second.id, pid=None)
    assert library.experiments.get(experiment_with_dataset.id).status == "RUNNING"
    library.runs.fail(second.id, "boom")
    assert library.experiments.get(experiment_with_dataset.id).status == "COMPLETED"


def test_all_runs_failed_makes_the_experiment_failed_with_the_last_error(
    library: Library, experiment_with_dataset
) -> None:
    first = library.runs.prepare_start(experiment_with_dataset.id)
    second = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.fail(first.id, "first error")
    library.runs.fail(second.id, "CUDA out of memory")
    experiment = library.experiments.get(experiment_with_dataset.id)
    assert (experiment.status, experiment.last_error) == ("FAILED", "CUDA out of memory")


def test_all_runs_cancelled_returns_the_experiment_to_draft(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.mark_running(run.id, pid=None)
    cancelled = library.runs.cancel(run.id)
    assert (cancelled.status, cancelled.error) == ("CANCELLED", "stopped by user")
    assert library.experiments.get(experiment_with_dataset.id).status == "DRAFT"


def test_finished_runs_cannot_change_again(library: Library, experiment_with_dataset) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.fail(run.id, "x")
    with pytest.raises(InvalidStateError):
        library.runs.cancel(run.id)


def test_restart_reconciliation_fails_runs_whose_process_is_gone(
    library: Library, experiment_with_dataset
) -> None:
    running = library.runs.prepare_start(experiment_with_dataset.id)
    waiting = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.mark_running(running.id, pid=999_999)
    library.telemetry.append_log(running.id, [b"step 1\n"])
    failed = library.runs.reconcile_interrupted(lambda run: False)
    assert {r.id for r in failed} == {running.id, waiting.id}
    assert library.runs.get(running.id).error.startswith("interrupted")
    assert library.telemetry.read_log(running.id) == b"step 1\n"
