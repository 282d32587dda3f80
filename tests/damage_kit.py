"""Ways to damage a data folder's database for real, shared by the core, CLI and window tests."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from musiclab_desktop.core import db
from musiclab_desktop.core.library import Library

NOW = "2026-01-01 00:00:00"


def used_folder(root: Path, *, metric_points: int = 0) -> Path:
    """A data folder at the newest schema holding one experiment and one run (with a run
    folder and ``metric_points`` loss points)."""
    library = Library.open(root)
    experiment = library.experiments.create("kept experiment")
    with library.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO runs (experiment_id, name, status, created_at) "
            "VALUES (:e, 'run-1', 'FAILED', :now)"), {"e": experiment.id, "now": NOW})
    run_folder = library.runs_dir / "1"
    run_folder.mkdir()
    (run_folder / "run.json").write_text("{}")
    if metric_points:
        library.telemetry.append_metrics(
            1, [(step, "loss", 1.0 / step, float(step)) for step in range(1, metric_points + 1)])
    library.close()
    return root


def old_folder(root: Path, revision: str = "0001") -> Path:
    """A data folder left at an older schema ``revision``, holding one experiment."""
    root.mkdir(parents=True)
    engine = db.create_sqlite_engine(root / db.DATABASE_FILE)
    db.upgrade(engine, revision)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO experiments (id, name, description, config, status, created_at, "
            "updated_at) VALUES (1, 'old', '', '{}', 'DRAFT', :now, :now)"), {"now": NOW})
    engine.dispose()
    return root


def database_of(root: Path) -> Path:
    return root / db.DATABASE_FILE


def truncate(root: Path, keep_fraction: float = 0.5) -> None:
    database = database_of(root)
    size = database.stat().st_size
    with database.open("r+b") as file:
        file.truncate(int(size * keep_fraction))


def scribble_header(root: Path) -> None:
    with database_of(root).open("r+b") as file:
        file.write(b"\xa5" * 100)


def scribble_pages_of(root: Path, table: str) -> list[int]:
    """Overwrite every page of ``table`` (its b-tree and overflow pages) with 0xFF: the
    open never reads them, the first query of that table does. The page numbers."""
    database = database_of(root)
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            pages = [row[0] for row in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = ?", (table,))]
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find a table's pages")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    with database.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * page_size)
            file.write(b"\xff" * page_size)
    return pages


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` made read-only for real: permissions for a normal user, the immutable
    attribute for root (whom permissions do not stop); skipped where neither works."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a folder read-only as root here: {made.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
