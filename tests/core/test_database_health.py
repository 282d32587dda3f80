"""A database that cannot be used is refused with a sentence that says what to do;
migrations are preceded by a backup; the doctor checks, and restores a backup."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from musiclab_desktop.core import backups, db, doctor
from musiclab_desktop.core.errors import DataFolderError, InvalidStateError, StorageError
from musiclab_desktop.core.library import Library

from damage_kit import (
    database_of,
    old_folder,
    read_only,
    scribble_header,
    scribble_pages_of,
    truncate,
    used_folder,
)


def refusal(root: Path) -> str:
    with pytest.raises(DataFolderError) as caught:
        Library.open(root)
    assert caught.value.exit_code == 6
    return str(caught.value)


def experiment_names(root: Path) -> list[str]:
    library = Library.open(root)
    try:
        return [e.name for e in library.experiments.list(include_archived=True)]
    finally:
        library.close()


# --- refused at open ----------------------------------------------------------------------

@pytest.mark.parametrize("keep", [0.5, 0.95])
def test_a_truncated_database_is_refused_naming_the_damage_and_the_doctor(
        tmp_path: Path, keep: float) -> None:
    root = used_folder(tmp_path / "data", metric_points=20_000)
    truncate(root, keep)
    message = refusal(root)
    assert f"The database {database_of(root)} is damaged" in message
    assert "cut short" in message
    assert "doctor" in message and "--start-fresh" in message  # no backup yet


def test_a_scribbled_header_is_refused(tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data")
    scribble_header(root)
    assert "header was overwritten" in refusal(root)


def test_a_folder_where_the_database_should_be_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "data"
    database_of(root).mkdir(parents=True)
    assert "is a folder, not a file" in refusal(root)


def test_a_read_only_data_folder_is_refused_saying_so(tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data")
    with read_only(root):
        message = refusal(root)
    assert message.startswith(f"The data folder {root} is read-only")
    assert "--data-dir" in message


# --- damage the open does not read ---------------------------------------------------------

def test_damaged_metric_pages_become_the_same_sentence_when_read(tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data", metric_points=50_000)
    scribble_pages_of(root, "metric_blocks")
    library = Library.open(root)  # the cheap checks at open pass: the header is intact
    try:
        assert [e.name for e in library.experiments.list()] == ["kept experiment"]
        with pytest.raises(DataFolderError, match=r"is damaged .*doctor"):
            library.telemetry.series(1, "loss")
    finally:
        library.close()
    report = doctor.examine(root)
    assert report.verdict is doctor.Verdict.DAMAGED
    assert report.problems and "integrity check found" in report.findings[0]


# --- a lost database -----------------------------------------------------------------------

@pytest.mark.parametrize("state", ["empty", "missing"])
def test_a_lost_database_beside_run_folders_is_not_a_new_data_folder(
        tmp_path: Path, state: str) -> None:
    root = used_folder(tmp_path / "data")
    database = database_of(root)
    database.unlink()
    if state == "empty":
        database.touch()
    message = refusal(root)
    assert f"is {state}, but the data folder holds 1 run folder(s)" in message
    assert "seems lost" in message and "--start-fresh" in message
    assert not database.exists() or database.stat().st_size == 0  # nothing was created

    started = doctor.start_fresh(root)
    assert (started.kept_at is None) == (state == "missing")
    assert experiment_names(root) == []
    assert (root / "runs" / "1" / "run.json").is_file()


def test_a_missing_database_beside_adapters_alone_is_lost_too(tmp_path: Path) -> None:
    root = tmp_path / "data"
    (root / "adapters" / "exp-run-1-1").mkdir(parents=True)
    assert "holds 0 run folder(s) and 1 adapter(s)" in refusal(root)


def test_an_empty_database_in_an_unused_folder_is_simply_new(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    database_of(root).touch()
    assert experiment_names(root) == []


# --- backups before migrations -------------------------------------------------------------

def test_an_old_database_is_backed_up_before_it_is_migrated(tmp_path: Path) -> None:
    root = old_folder(tmp_path / "data", "0001")
    assert experiment_names(root) == ["old"]  # migrated to the head
    [backup] = backups.list_backups(root)
    assert backup.revision == "0001"
    assert backup.path.name.startswith("musiclab-0001-")
    with closing(sqlite3.connect(backup.path)) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert copy.execute("SELECT name FROM experiments").fetchall() == [("old",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert sorted(p.name for p in backup.path.parent.iterdir()) == [backup.path.name]

    experiment_names(root)  # an up-to-date database is not copied again
    assert len(backups.list_backups(root)) == 1


def test_no_migration_runs_when_the_backup_cannot_be_written(tmp_path: Path) -> None:
    root = old_folder(tmp_path / "data", "0001")
    (root / backups.BACKUPS_FOLDER).write_text("a file where the backups folder goes")
    with pytest.raises(StorageError, match="Cannot back up the database"):
        Library.open(root)
    with closing(sqlite3.connect(database_of(root))) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "0001",)


def test_a_backup_holds_what_is_still_only_in_the_wal(tmp_path: Path) -> None:
    root = tmp_path / "data"
    library = Library.open(root)
    library.experiments.create("only in the wal")
    wal = root / (db.DATABASE_FILE + "-wal")
    assert wal.stat().st_size > 0
    with library.engine.connect() as connection:
        backup = backups.back_up(connection.connection.driver_connection, root, "test")
    library.close()
    with closing(sqlite3.connect(backup.path)) as copy:
        assert copy.execute("SELECT name FROM experiments").fetchall() == [("only in the wal",)]


def test_only_the_newest_backups_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    with closing(sqlite3.connect(root / "source.sqlite3")) as source:
        source.execute("CREATE TABLE t (x)")
        made = [backups.back_up(source, root, f"{i:04d}") for i in range(backups.KEEP_BACKUPS + 2)]
    kept = backups.list_backups(root)
    assert [b.path for b in kept] == [b.path for b in reversed(made)][:backups.KEEP_BACKUPS]


def test_a_damaged_old_database_is_neither_copied_nor_migrated(tmp_path: Path) -> None:
    root = old_folder(tmp_path / "data", "0001")
    scribble_pages_of(root, "experiments")
    message = refusal(root)
    assert "damaged" in message and "quick check" in message
    assert backups.list_backups(root) == []
    with closing(sqlite3.connect(database_of(root))) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "0001",)


# --- the doctor ----------------------------------------------------------------------------

def test_the_doctor_finds_a_healthy_database_and_lists_its_backups(tmp_path: Path) -> None:
    root = old_folder(tmp_path / "data", "0001")
    experiment_names(root)
    report = doctor.examine(root)
    assert report.ok and report.verdict is doctor.Verdict.HEALTHY
    assert report.revision == db.head_revision()
    assert [b.revision for b in report.backups] == ["0001"]
    assert report.advice == "Nothing to do."


def test_restoring_the_latest_backup_keeps_the_damaged_database_aside(tmp_path: Path) -> None:
    root = old_folder(tmp_path / "data", "0001")
    library = Library.open(root)  # migrates, after a backup
    library.experiments.create("made after the backup")
    library.close()
    scribble_pages_of(root, "experiments")
    library = Library.open(root)  # the experiments' pages are read only when listed
    with pytest.raises(DataFolderError, match="--restore-backup"):
        library.experiments.list()
    library.close()
    # A WAL left by a crash belongs to the damaged file: it must not stay beside the
    # restored one (SQLite would replay it there).
    database_of(root).with_name(db.DATABASE_FILE + "-wal").write_bytes(b"\1" * 64)

    restored = doctor.restore_backup(root)
    assert restored.backup == backups.list_backups(root)[-1].path
    assert restored.kept_at is not None and restored.kept_at.parent == root
    assert restored.kept_at.with_name(restored.kept_at.name + "-wal").exists()
    assert restored.backup.is_file()
    assert experiment_names(root) == ["old"]
    assert doctor.examine(root).ok


def test_a_damaged_backup_is_not_restored(tmp_path: Path) -> None:
    root = old_folder(tmp_path / "data", "0001")
    experiment_names(root)
    [backup] = backups.list_backups(root)
    with backup.path.open("r+b") as file:
        file.write(b"\0" * 100)
    before = database_of(root).read_bytes()
    with pytest.raises(DataFolderError, match="is damaged too"):
        doctor.restore_backup(root)
    assert database_of(root).read_bytes() == before


def test_start_fresh_leaves_a_readable_database_alone(tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data")
    with pytest.raises(InvalidStateError):
        doctor.start_fresh(root)
    assert experiment_names(root) == ["kept experiment"]


def test_the_doctor_reports_broken_references(tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data")
    with closing(sqlite3.connect(database_of(root))) as connection:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("DELETE FROM experiments")
        connection.commit()
    report = doctor.examine(root)
    assert report.verdict is doctor.Verdict.BROKEN_REFERENCES
    assert any("refer to rows that no longer exist" in f for f in report.findings)

