"""A database that cannot be used: every command says so in one sentence (exit 6), and
``musiclab doctor`` checks it, lists its backups and restores one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from musiclab_desktop.core import backups

from cli_kit import json_error, musiclab
from damage_kit import (
    database_of,
    old_folder,
    read_only,
    scribble_header,
    scribble_pages_of,
    truncate,
    used_folder,
)

DATA_FOLDER_EXIT = 6


def one_sentence_error(result) -> str:
    assert result.returncode == DATA_FOLDER_EXIT, result.stderr.decode()
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr and "sqlalchemy" not in stderr
    (line,) = stderr.splitlines()
    assert line.startswith("error: ")
    return line


def test_a_damaged_database_is_one_sentence_and_exit_6(tmp_path: Path) -> None:
    for name, damage in (("truncated", truncate), ("header", scribble_header)):
        root = used_folder(tmp_path / name)
        damage(root)
        line = one_sentence_error(musiclab(root, "experiments", "list"))
        assert f"The database {database_of(root)} is damaged" in line
        assert "`musiclab doctor`" in line
    folder = tmp_path / "folder"
    database_of(folder).mkdir(parents=True)
    assert "is a folder, not a file" in one_sentence_error(musiclab(folder, "runs", "list", "1"))


def test_under_json_the_error_is_json_of_kind_data_folder(tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data")
    truncate(root)
    error = json_error(musiclab(root, "experiments", "list", "--json"))
    assert error["kind"] == "data_folder" and error["exit_code"] == DATA_FOLDER_EXIT
    assert "is damaged" in error["error"]


def test_a_read_only_data_folder_is_one_sentence(tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data")
    with read_only(root):
        line = one_sentence_error(musiclab(root, "experiments", "list"))
    assert "is read-only" in line


def test_damaged_metric_pages_fail_the_read_with_the_same_sentence(tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data", metric_points=50_000)
    scribble_pages_of(root, "metric_blocks")
    assert musiclab(root, "runs", "list", "1").returncode == 0
    line = one_sentence_error(musiclab(root, "runs", "metrics", "1"))
    assert "is damaged (SQLite: database disk image is malformed)" in line


def test_doctor_finds_the_damage_and_restores_the_latest_backup(tmp_path: Path) -> None:
    root = old_folder(tmp_path / "data", "0001")
    assert musiclab(root, "experiments", "list").returncode == 0  # migrates, after a backup
    [backup] = backups.list_backups(root)
    healthy = musiclab(root, "doctor")
    assert healthy.returncode == 0, healthy.stderr.decode()
    assert "integrity check found no damage" in healthy.stdout.decode()
    assert str(backup.path) in healthy.stdout.decode()

    scribble_pages_of(root, "experiments")
    found = musiclab(root, "doctor", "--json")
    assert found.returncode == DATA_FOLDER_EXIT
    report = json.loads(found.stdout)["report"]
    assert report["verdict"] == "damaged" and report["problems"]
    assert "--restore-backup" in report["advice"]

    restored = musiclab(root, "doctor", "--restore-backup")
    assert restored.returncode == 0, restored.stderr.decode()
    first_line = restored.stdout.decode().splitlines()[0]
    assert first_line.startswith(f"Restored {database_of(root)} from the backup {backup.path}")
    assert len(list(root.glob("musiclab-replaced-*.sqlite3"))) == 1
    listed = musiclab(root, "experiments", "list", "--json")
    assert [e["name"] for e in json.loads(listed.stdout)] == ["old"]


def test_doctor_restores_a_backup_named_by_path(tmp_path: Path) -> None:
    root = old_folder(tmp_path / "data", "0001")
    musiclab(root, "experiments", "list")
    [backup] = backups.list_backups(root)
    copy = tmp_path / "my-copy.sqlite3"
    copy.write_bytes(backup.path.read_bytes())
    truncate(root)
    restored = musiclab(root, "doctor", "--restore-backup", str(copy))
    assert restored.returncode == 0, restored.stderr.decode()
    assert musiclab(root, "experiments", "show", "1").returncode == 0
    missing = musiclab(root, "doctor", "--restore-backup", str(tmp_path / "nothing"))
    assert missing.returncode == 3


def test_an_empty_database_beside_run_folders_needs_an_explicit_fresh_start(
        tmp_path: Path) -> None:
    root = used_folder(tmp_path / "data")
    database_of(root).write_bytes(b"")
    line = one_sentence_error(musiclab(root, "experiments", "list"))
    assert "seems lost" in line and "musiclab doctor --start-fresh" in line
    assert database_of(root).stat().st_size == 0  # not silently made a new database

    lost = musiclab(root, "doctor")
    assert lost.returncode == DATA_FOLDER_EXIT and "seems lost" in lost.stdout.decode()
    fresh = musiclab(root, "doctor", "--start-fresh")
    assert fresh.returncode == 0, fresh.stderr.decode()
    assert musiclab(root, "experiments", "list").stdout.decode().strip() == "No experiments."
    assert musiclab(root, "doctor", "--start-fresh").returncode == 4  # now it can be read


def test_a_folder_from_a_newer_version_is_one_sentence_and_left_untouched(
        tmp_path: Path) -> None:
    root = used_folder(tmp_path / "newer")
    with sqlite3.connect(database_of(root)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    line = one_sentence_error(musiclab(root, "experiments", "list"))
    assert "written by a newer MusicLab (database version 9999" in line
    with sqlite3.connect(database_of(root)) as connection:  # not migrated, nor backed up
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "9999",)
    assert not (root / "backups").exists() or not any((root / "backups").iterdir())
