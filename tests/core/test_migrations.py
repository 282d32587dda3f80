"""The schema comes from Alembic migrations, and older data folders upgrade in place."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from musiclab_desktop.core import db
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import Base


def test_new_data_folder_is_at_the_head_revision_in_wal_mode(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "data")
    assert db.current_revision(library.engine) == db.head_revision()
    with library.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
    library.close()


def test_the_newest_version_file_is_alembics_head() -> None:
    assert db._newest_version_file() == db.head_revision()


def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "data")
    with library.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    library.close()
    assert diff == []


def test_a_data_folder_from_the_first_schema_upgrades_keeping_its_data(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    engine = db.create_sqlite_engine(folder / db.DATABASE_FILE)
    db.upgrade(engine, "0001")
    now = "2026-01-01 00:00:00"
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO experiments (id, name, description, config, status, created_at, "
            "updated_at) VALUES (1, 'old', '', '{}', 'FAILED', :now, :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO runs (id, experiment_id, name, status, created_at) "
            "VALUES (1, 1, 'run-1', 'FAILED', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO run_log_chunks (run_id, seq, data) VALUES (1, 0, x'1b5b306d')"))
        connection.execute(text(
            "INSERT INTO metric_points (run_id, step, name, value) VALUES (1, 1, 'loss', 2.5)"))
        connection.execute(text("UPDATE experiments SET best_run_id = 1"))
    engine.dispose()

    library = Library.open(folder)
    assert db.current_revision(library.engine) == db.head_revision()
    run = library.runs.get(1)
    assert (run.name, run.current_step, run.total_steps) == ("run-1", 0, None)
    assert library.telemetry.read_log(1) == b"\x1b[0m"
    assert library.telemetry.series(1, "loss").values == [2.5]
    assert library.experiments.get(1).best_run_id == 1
    library.runs.record_progress(1, 5, 10)
    assert library.runs.get(1).current_step == 5
    library.close()
