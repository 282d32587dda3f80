"""A run start is all or nothing, its folder included (issue 11.2); so is a completion."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from musiclab_desktop.core.errors import InvalidStateError, StorageError
from musiclab_desktop.core.library import Library


def fail_the_next_commit(library: Library) -> None:
    """The next COMMIT fails as SQLite's does when the disk fills at that moment."""

    def refuse(_connection: Any) -> None:
        event.remove(library.engine, "commit", refuse)
        raise OperationalError("COMMIT", None, sqlite3.OperationalError(
            "database or disk is full"))

    event.listen(library.engine, "commit", refuse)


def test_a_start_whose_commit_fails_leaves_no_folder_and_no_run(
    library: Library, experiment_with_dataset
) -> None:
    fail_the_next_commit(library)
    with pytest.raises(StorageError, match="the disk is full"):
        library.runs.prepare_start(experiment_with_dataset.id)
    assert library.runs.list(experiment_with_dataset.id) == []
    assert list(library.runs_dir.iterdir()) == []

    run = library.runs.prepare_start(experiment_with_dataset.id)
    assert Path(run.output_dir) == library.runs_dir / str(run.id)
    assert (Path(run.output_dir) / "run.json").is_file()
    assert [r.id for r in library.runs.list(experiment_with_dataset.id)] == [run.id]


def test_a_start_that_fails_writing_its_spec_leaves_nothing(
    library: Library, experiment_with_dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    from musiclab_desktop.core.protocol import RunSpec

    def no_space(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(RunSpec, "save", no_space)
    with pytest.raises(InvalidStateError, match="No space left on device"):
        library.runs.prepare_start(experiment_with_dataset.id)
    assert library.runs.list(experiment_with_dataset.id) == []
    assert list(library.runs_dir.iterdir()) == []


def test_a_completion_whose_commit_fails_puts_the_weights_back(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.mark_running(library.runs.prepare_start(experiment_with_dataset.id).id,
                                    pid=None)
    adapter = Path(run.output_dir) / "adapter"
    adapter.mkdir()
    (adapter / "adapter_model.safetensors").write_bytes(b"weights")

    fail_the_next_commit(library)
    with pytest.raises(StorageError):
        library.runs.complete(run.id, adapter_dir=adapter, final_loss=1.0)
    assert (adapter / "adapter_model.safetensors").read_bytes() == b"weights"
    assert list(library.adapters_dir.iterdir()) == []
    assert library.runs.get(run.id).status == "RUNNING"

    library.runs.complete(run.id, adapter_dir=adapter, final_loss=1.0)
    registered = Path(library.adapters.list()[0].path)
    assert (registered / "adapter_model.safetensors").read_bytes() == b"weights"
