"""Ids are never handed out twice, and no run or adapter folder is ever reused (issue 11.1)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from musiclab_desktop.core import db
from musiclab_desktop.core.folder_names import adapter_folder_name
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import Base

from shared_kit import finish_run as finish

NOW = "2026-01-01 00:00:00"


def _tables_without_autoincrement(library: Library) -> list[str]:
    with library.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all()
    schema = {name: sql for name, sql in rows}
    return [name for name in Base.metadata.tables if "AUTOINCREMENT" not in schema[name]]


def test_every_table_of_a_new_data_folder_never_reuses_ids(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "data")
    assert _tables_without_autoincrement(library) == []
    library.close()


def _data_folder_at_0003(folder: Path) -> None:
    """A data folder as version 0003 left it: two runs with logs, metrics and an adapter."""
    folder.mkdir()
    engine = db.create_sqlite_engine(folder / db.DATABASE_FILE)
    db.upgrade(engine, "0003")
    with engine.begin() as connection:
        run = connection.execute
        run(text("INSERT INTO datasets (id, name, folder, created_at) "
                 "VALUES (1, 'tones', '/clips', :now)"), {"now": NOW})
        run(text("INSERT INTO dataset_items (id, dataset_id, file_name, path, usable) "
                 "VALUES (1, 1, 'a.wav', '/clips/a.wav', 1)"))
        run(text("INSERT INTO experiments (id, name, description, dataset_id, config, status, "
                 "created_at, updated_at) VALUES (1, 'old', '', 1, '{\"lora_r\": 4}', "
                 "'COMPLETED', :now, :now)"), {"now": NOW})
        for run_id in (1, 2):
            run(text("INSERT INTO runs (id, experiment_id, name, status, created_at, "
                     "current_step, total_steps) VALUES (:id, 1, :name, 'COMPLETED', :now, "
                     "10, 10)"), {"id": run_id, "name": f"run-{run_id}", "now": NOW})
            run(text("INSERT INTO run_log_chunks (run_id, seq, data) "
                     "VALUES (:id, 0, x'1b5b306d')"), {"id": run_id})
            run(text("INSERT INTO metric_blocks (run_id, name, first_step, count, step_data, "
                     "value_data, wall_data) VALUES (:id, 'loss', 1, 0, x'', x'', x'')"),
                {"id": run_id})
        run(text("INSERT INTO adapters (id, name, path, base_model, lora_r, lora_alpha, "
                 "lora_targets, experiment_id, run_id, created_at) VALUES (1, 'old-run-2', "
                 "'/a', 'tiny', 4, 8, 'q_proj', 1, 2, :now)"), {"now": NOW})
        run(text("UPDATE runs SET adapter_id = 1 WHERE id = 2"))
        run(text("UPDATE experiments SET best_run_id = 2"))
    engine.dispose()


def _counts(library: Library) -> dict[str, int]:
    with library.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in Base.metadata.tables}


def test_upgrading_from_0003_keeps_every_row_and_never_reuses_ids(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    _data_folder_at_0003(folder)

    library = Library.open(folder)
    assert db.current_revision(library.engine) == db.head_revision()
    assert _tables_without_autoincrement(library) == []
    assert _counts(library) == {
        "datasets": 1, "dataset_items": 1, "experiments": 1, "adapters": 1, "runs": 2,
        "run_log_chunks": 2, "metric_blocks": 2, "samples": 0, "generations": 0,
    }
    assert library.experiments.get(1).best_run_id == 2
    old = library.runs.get(2)
    assert (old.adapter_id, old.current_step, old.owner_pid) == (1, 10, None)
    # No snapshot for a run started before snapshots: the experiment's config stands in.
    assert library.runs.effective_config(2).lora_r == 4
    assert library.telemetry.read_log(2) == b"\x1b[0m"
    with library.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        indexes = {row[0] for row in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))}
    assert {"uq_experiments_active_name", "ix_runs_status", "ix_metric_blocks_series",
            "ix_dataset_items_dataset", "ix_adapters_experiment_id"} <= indexes

    # The newest run goes; the id it had is not handed out again.
    library.runs.delete(2)
    with library.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO runs (experiment_id, name, status, created_at, current_step) "
            "VALUES (1, 'run-2', 'FAILED', :now, 0)"), {"now": NOW})
        newest = connection.execute(text("SELECT max(id) FROM runs")).scalar_one()
    assert newest == 3
    library.close()


def _adapter_files(library: Library, adapter_id: int) -> list[str]:
    folder = Path(library.adapters.get(adapter_id).path)
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_after_deleting_the_newest_run_the_next_run_gets_a_new_id_and_folders(
    library: Library, experiment_with_dataset
) -> None:
    first = library.runs.prepare_start(experiment_with_dataset.id)
    finish(library, first.id, 2.0)
    newest = library.runs.prepare_start(experiment_with_dataset.id)
    finish(library, newest.id, 1.0)
    kept_adapter = library.runs.get(newest.id).adapter_id
    library.runs.delete(newest.id)

    again = library.runs.prepare_start(experiment_with_dataset.id)
    assert again.id > newest.id
    assert again.output_dir != newest.output_dir
    finish(library, again.id, 0.5)
    new_adapter = library.runs.get(again.id).adapter_id
    assert library.adapters.get(new_adapter).path != library.adapters.get(kept_adapter).path
    # Both adapters hold their own files at the top of their own folder; nothing nested.
    assert _adapter_files(library, kept_adapter) == ["adapter_config.json"]
    assert _adapter_files(library, new_adapter) == ["adapter_config.json"]


def test_a_leftover_run_folder_is_never_written_into(
    library: Library, experiment_with_dataset
) -> None:
    leftover = library.runs_dir / "1"
    leftover.mkdir()
    (leftover / "notes.txt").write_text("someone else's")

    run = library.runs.prepare_start(experiment_with_dataset.id)
    assert run.id == 1
    assert Path(run.output_dir) != leftover and (Path(run.output_dir) / "run.json").is_file()
    assert sorted(p.name for p in leftover.iterdir()) == ["notes.txt"]
    assert (leftover / "notes.txt").read_text() == "someone else's"


def test_a_leftover_adapter_folder_is_never_written_into(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    taken = library.adapters_dir / adapter_folder_name(
        experiment_with_dataset.name, run.name, run.id)
    taken.mkdir()
    (taken / "adapter_model.safetensors").write_bytes(b"older weights")

    finish(library, run.id, 1.0)
    adapter = library.adapters.get(library.runs.get(run.id).adapter_id)
    assert Path(adapter.path) != taken
    assert _adapter_files(library, adapter.id) == ["adapter_config.json"]
    assert sorted(p.name for p in taken.iterdir()) == ["adapter_model.safetensors"]
