"""Deleting runs one by one and in batches (SPEC: Run Deletion, Batch Run Deletion)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from musiclab_desktop.core.errors import InvalidStateError, NotFoundError
from musiclab_desktop.core.library import Library

from shared_kit import finish_run


def count(library: Library, table: str, run_id: int) -> int:
    with library.engine.connect() as connection:
        return connection.execute(
            text(f"SELECT COUNT(*) FROM {table} WHERE run_id = :r"), {"r": run_id}
        ).scalar_one()


def with_telemetry(library: Library, run_id: int) -> None:
    library.telemetry.append_log(run_id, [b"\x1b[32mstep\x1b[0m\r", b"done\n"])
    library.telemetry.append_metrics(run_id, [(1, "loss", 3.0, 1.0), (2, "loss", 2.0, 2.0)])


def test_delete_failed_run_removes_row_logs_metrics_and_folder(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    with_telemetry(library, run.id)
    library.runs.fail(run.id, "boom")
    library.runs.delete(run.id)
    with pytest.raises(NotFoundError):
        library.runs.get(run.id)
    assert count(library, "run_log_chunks", run.id) == 0
    assert count(library, "metric_blocks", run.id) == 0
    assert not Path(run.output_dir).exists()


def test_delete_completed_run_keeps_its_adapter_unlinked(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    with_telemetry(library, run.id)
    finish_run(library, run.id, 1.5)
    adapter_id = library.runs.get(run.id).adapter_id
    library.runs.delete(run.id)
    adapter = library.adapters.get(adapter_id)
    assert adapter.run_id is None
    assert Path(adapter.path).is_dir()
    assert not Path(run.output_dir).exists()
    assert count(library, "run_log_chunks", run.id) == 0


def test_delete_cancelled_run(library: Library, experiment_with_dataset) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.cancel(run.id)
    library.runs.delete(run.id)
    assert library.runs.list(experiment_with_dataset.id) == []


def test_deleting_the_best_run_recomputes_the_best(
    library: Library, experiment_with_dataset
) -> None:
    ids = [library.runs.prepare_start(experiment_with_dataset.id).id for _ in range(3)]
    finish_run(library, ids[0], 3.0)
    finish_run(library, ids[1], 1.0)
    library.runs.fail(ids[2], "x")
    library.runs.delete(ids[1])
    experiment = library.experiments.get(experiment_with_dataset.id)
    assert (experiment.best_run_id, experiment.best_loss) == (ids[0], 3.0)
    library.runs.delete(ids[0])
    experiment = library.experiments.get(experiment_with_dataset.id)
    assert (experiment.best_run_id, experiment.best_loss) == (None, None)
    assert experiment.status == "FAILED"


@pytest.mark.parametrize("status", ["RUNNING", "PENDING"])
def test_active_runs_cannot_be_deleted(
    library: Library, experiment_with_dataset, status: str
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    if status == "RUNNING":
        library.runs.mark_running(run.id, pid=None)
    with pytest.raises(InvalidStateError, match="Cannot delete"):
        library.runs.delete(run.id)
    assert library.runs.get(run.id).status == status
    assert Path(run.output_dir).is_dir()


def test_deleting_an_unknown_run_is_not_found(library: Library, experiment_with_dataset) -> None:
    with pytest.raises(NotFoundError):
        library.runs.delete(12345)


def test_batch_delete_removes_all_selected_runs(
    library: Library, experiment_with_dataset
) -> None:
    ids = [library.runs.prepare_start(experiment_with_dataset.id).id for _ in range(4)]
    finish_run(library, ids[0], 2.0)
    library.runs.fail(ids[1], "x")
    library.runs.cancel(ids[2])
    for run_id in ids[:3]:
        with_telemetry(library, run_id)
    assert library.runs.delete_many(experiment_with_dataset.id, ids[:3]) == 3
    assert [r.id for r in library.runs.list(experiment_with_dataset.id)] == [ids[3]]
    assert all(count(library, "metric_blocks", i) == 0 for i in ids[:3])


def test_batch_delete_is_all_or_nothing(library: Library, experiment_with_dataset) -> None:
    ids = [library.runs.prepare_start(experiment_with_dataset.id).id for _ in range(2)]
    library.runs.fail(ids[0], "x")
    with pytest.raises(InvalidStateError):
        library.runs.delete_many(experiment_with_dataset.id, ids)
    with pytest.raises(NotFoundError):
        library.runs.delete_many(experiment_with_dataset.id, [ids[0], 999])
    assert len(library.runs.list(experiment_with_dataset.id)) == 2


def test_batch_delete_refuses_runs_of_another_experiment(
    library: Library, experiment_with_dataset
) -> None:
    other = library.experiments.create("other", dataset_id=experiment_with_dataset.dataset_id)
    foreign = library.runs.prepare_start(other.id)
    library.runs.fail(foreign.id, "x")
    with pytest.raises(NotFoundError):
        library.runs.delete_many(experiment_with_dataset.id, [foreign.id])
    assert library.runs.get(foreign.id).status == "FAILED"
