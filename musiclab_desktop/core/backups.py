"""Copies of the database kept in ``backups/`` of the data folder.

A copy is taken before every schema migration (the step that rewrites tables), so an
upgrade that goes wrong, or a database damaged later, can be rolled back with
``musiclab doctor --restore-backup``. Copies go through SQLite's backup API, which
reads one consistent snapshot even while another process writes in WAL mode; a copy
is written under a temporary name and renamed, so a half-written copy never looks
like a backup.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from musiclab_desktop.core.errors import StorageError

BACKUPS_FOLDER = "backups"
# One per upgrade of the app, so five reach back several versions.
KEEP_BACKUPS = 5
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^musiclab-(?P<revision>\w+?)-(?P<taken>\d{8}T\d{12}Z)(?:-\d+)?\.sqlite3$")


@dataclass(frozen=True)
class Backup:
    """One copy: the file, the schema version it holds and when it was taken (UTC)."""

    path: Path
    revision: str
    taken_at: datetime
    size: int

    def describe(self) -> str:
        return f"{self.path} (schema {self.revision}, taken {self.taken_at:%Y-%m-%d %H:%M} UTC)"

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "revision": self.revision,
                "taken_at": self.taken_at.isoformat(), "size": self.size}


def backups_folder(root: Path) -> Path:
    return root / BACKUPS_FOLDER


def list_backups(root: Path) -> list[Backup]:
    """The backups of the data folder ``root``, newest first."""
    folder = backups_folder(root)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and path.is_file():
            taken = datetime.strptime(match["taken"], _STAMP).replace(tzinfo=UTC)
            found.append(Backup(path, match["revision"], taken, path.stat().st_size))
    return sorted(found, key=lambda backup: (backup.taken_at, backup.path.name), reverse=True)


def latest_backup(root: Path) -> Backup | None:
    backups = list_backups(root)
    return backups[0] if backups else None


def copy_database(source: sqlite3.Connection, destination: Path) -> None:
    """Write a consistent copy of the open database ``source`` to ``destination``."""
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        # A copy of a WAL database is flagged WAL too, and opening it (even read-only)
        # would leave -wal and -shm files beside it: a copy is one self-contained file.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    os.replace(partial, destination)


class SourceDamagedError(Exception):
    """The database to back up fails SQLite's quick check: a copy would keep only the
    damage (and push a good backup out), and a migration could spread it."""


def back_up(source: sqlite3.Connection, root: Path, revision: str) -> Backup:
    """Copy the database to ``backups/musiclab-<revision>-<time>.sqlite3``; keep the last few.

    The database is checked first (``PRAGMA quick_check`` reads every page: about 2 s
    for 100 MB from a cold disk, paid once per upgrade of the app). A copy that cannot
    be written (a full disk, a read-only folder) stops the caller: migrating without a
    way back is what the copy exists to prevent.
    """
    verdict = source.execute("PRAGMA quick_check(1)").fetchone()[0]
    if verdict != "ok":
        raise SourceDamagedError(f"SQLite's quick check: {verdict}")
    folder = backups_folder(root)
    stamp = datetime.now(UTC).strftime(_STAMP)
    destination = folder / f"musiclab-{revision}-{stamp}.sqlite3"
    try:
        folder.mkdir(exist_ok=True)
        copy_database(source, destination)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            destination.with_name(destination.name + ".partial").unlink(missing_ok=True)
        raise StorageError(
            f"Cannot back up the database to {folder} before upgrading it ({exc}); "
            "nothing was changed. Free some space there (or make it writable) and start "
            "MusicLab again.") from exc
    prune(root)
    return next(b for b in list_backups(root) if b.path == destination)


def prune(root: Path, keep: int = KEEP_BACKUPS) -> None:
    """Delete all but the ``keep`` newest backups."""
    for old in list_backups(root)[keep:]:
        old.path.unlink(missing_ok=True)
