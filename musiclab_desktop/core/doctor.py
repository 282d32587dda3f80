"""``musiclab doctor``: check a data folder's database, say what was found, and put a
backup (or a new database) in place of a damaged one.

It never goes through Library, which refuses the very databases it is for, and it
never deletes a database: the one it replaces is renamed beside it first, with its
``-wal`` and ``-shm`` files, so that it can still be salvaged.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from musiclab_desktop.core import db
from musiclab_desktop.core.backups import Backup, copy_database, list_backups
from musiclab_desktop.core.database_health import (
    doctor_command,
    header_problem,
    leftovers,
    unwritable_reason,
)
from musiclab_desktop.core.errors import DataFolderError, InvalidStateError, NotFoundError

# PRAGMA integrity_check stops after this many problems: enough to say how bad it is.
_MAX_PROBLEMS = 100


class Verdict(StrEnum):
    HEALTHY = "healthy"
    NO_DATABASE = "no_database"  # a data folder never used: nothing to check
    LOST = "lost"  # missing or empty beside run folders or adapters
    DAMAGED = "damaged"  # a folder, not SQLite, cut short, or failing the integrity check
    BROKEN_REFERENCES = "broken_references"  # readable, but rows point at rows that are gone
    READ_ONLY = "read_only"  # healthy, but MusicLab cannot write there


@dataclass
class DoctorReport:
    """What the doctor found, in sentences, and what to do about it."""

    data_folder: Path
    database: Path
    verdict: Verdict
    findings: list[str]
    advice: str
    backups: list[Backup]
    revision: str | None = None
    problems: list[str] = field(default_factory=list)  # SQLite's own lines

    @property
    def ok(self) -> bool:
        return self.verdict in (Verdict.HEALTHY, Verdict.NO_DATABASE)

    def to_json(self) -> dict[str, Any]:
        return {"data_folder": str(self.data_folder), "database": str(self.database),
                "verdict": self.verdict.value, "ok": self.ok, "findings": self.findings,
                "advice": self.advice, "revision": self.revision,
                "problems": self.problems,
                "backups": [backup.to_json() for backup in self.backups]}


@dataclass(frozen=True)
class Replacement:
    """A database put in place: from which backup (None: a new one), and where the
    database it replaced was kept (None: there was none)."""

    database: Path
    backup: Path | None
    kept_at: Path | None

    def describe(self) -> str:
        made = (f"Restored {self.database} from the backup {self.backup}"
                if self.backup is not None else f"Started a new, empty database {self.database}")
        if self.kept_at is None:
            return made + "."
        return f"{made}; the database it replaced is kept at {self.kept_at}."

    def to_json(self) -> dict[str, Any]:
        return {"database": str(self.database),
                "backup": None if self.backup is None else str(self.backup),
                "kept_at": None if self.kept_at is None else str(self.kept_at)}


# --- examining ----------------------------------------------------------------------------

def examine(root: Path) -> DoctorReport:
    """Check the database of the data folder ``root`` (the integrity check reads it all)."""
    database = root / db.DATABASE_FILE
    backups = list_backups(root)

    def report(verdict: Verdict, findings: list[str], **more: Any) -> DoctorReport:
        return DoctorReport(root, database, verdict, findings, _advice(root, verdict, backups),
                            backups, **more)

    if database.is_dir():
        return report(Verdict.DAMAGED, [f"The database {database} is a folder, not a file."])
    if not database.exists() or database.stat().st_size == 0:
        runs, adapters = leftovers(root)
        if runs or adapters:
            state = "empty" if database.exists() else "missing"
            return report(Verdict.LOST, [
                f"The database {database} is {state}, but the data folder holds {runs} run "
                f"folder(s) and {adapters} adapter(s): the database seems lost."])
        return report(Verdict.NO_DATABASE, [
            f"There is no database in {root} yet: MusicLab makes one when it first opens "
            "the folder."])
    problem = header_problem(database)
    if problem is not None:
        return report(Verdict.DAMAGED, [f"The database {database} is damaged ({problem})."])
    unwritable = unwritable_reason(root)
    try:
        connection = _connect(database, read_only_folder=unwritable is not None)
    except sqlite3.Error as exc:
        if unwritable is not None:
            return report(Verdict.READ_ONLY, [
                f"The data folder is read-only ({unwritable}), so SQLite cannot open the "
                f"database to check it ({exc})."])
        return report(Verdict.DAMAGED, [f"SQLite cannot open the database {database}: {exc}."])
    with closing(connection):
        verdict, findings, revision, problems = _check_contents(connection, database)
    if verdict is Verdict.HEALTHY and unwritable is not None:
        verdict = Verdict.READ_ONLY
        findings.append(f"The data folder is read-only ({unwritable}).")
    return report(verdict, findings, revision=revision, problems=problems)


def _check_contents(connection: sqlite3.Connection, database: Path,
                    ) -> tuple[Verdict, list[str], str | None, list[str]]:
    findings: list[str] = []
    try:
        problems = [_one_line(row[0]) for row in connection.execute(
            f"PRAGMA integrity_check({_MAX_PROBLEMS})") if row[0] != "ok"]
        if problems:
            count = f"{len(problems)}" if len(problems) < _MAX_PROBLEMS else \
                f"{_MAX_PROBLEMS} or more"
            findings.append(f"SQLite's integrity check found {count} problem(s) in "
                            f"{database}, the first: {problems[0]}")
            return Verdict.DAMAGED, findings, None, problems
        findings.append("SQLite's integrity check found no damage.")
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        revision = _revision(connection)
    except sqlite3.DatabaseError as exc:
        findings.append(f"SQLite could not read the database {database}: {exc}.")
        return Verdict.DAMAGED, findings, None, [str(exc)]
    findings.append(_schema_sentence(revision))
    if broken:
        tables = ", ".join(sorted({row[0] for row in broken}))
        findings.append(f"{len(broken)} row(s) in {tables} refer to rows that no longer exist.")
        return Verdict.BROKEN_REFERENCES, findings, revision, []
    findings.append("Every reference between tables points at a row that exists.")
    return Verdict.HEALTHY, findings, revision, []


def _connect(database: Path, *, read_only_folder: bool) -> sqlite3.Connection:
    """Open an existing database without creating one.

    In a read-only folder SQLite cannot make the -shm file a WAL database needs; with
    no WAL frames waiting there is nothing it would add, so the file is read as it is
    (``immutable``). The open is lazy: the first statement tells whether it worked.
    """
    mode = "mode=rw"
    if read_only_folder:
        wal = database.with_name(database.name + "-wal")
        has_frames = wal.is_file() and wal.stat().st_size > 0
        mode = "mode=ro" if has_frames else "immutable=1"
    connection = sqlite3.connect(f"{database.as_uri()}?{mode}", uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_schema").fetchall()
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _one_line(text: str) -> str:
    # SQLite's report starts "*** in database main ***" on a line of its own.
    return " ".join(text.split())


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no version table: made by something else
        return None
    return None if row is None else str(row[0])


def _schema_sentence(revision: str | None) -> str:
    head = db.head_revision()
    if revision is None:
        return "It holds no MusicLab schema version."
    if revision == head:
        return f"Its schema is at version {revision}, the newest this MusicLab knows."
    if revision < head:
        return (f"Its schema is at version {revision}: MusicLab upgrades it to {head} the "
                "next time it opens the folder, after a backup.")
    return (f"Its schema is at version {revision}, newer than this MusicLab ({head}): it was "
            "made by a newer version.")


def _advice(root: Path, verdict: Verdict, backups: list[Backup]) -> str:
    if verdict in (Verdict.HEALTHY, Verdict.NO_DATABASE):
        return "Nothing to do."
    if verdict is Verdict.READ_ONLY:
        return ("Make the data folder writable, or choose another one with --data-dir or "
                "MUSICLAB_DATA_DIR.")
    if backups:
        restore = (f"Restore the newest backup, {backups[0].describe()}, with "
                   f"{doctor_command(root, '--restore-backup')} (or an older one with "
                   "--restore-backup PATH); the database it replaces is moved aside, never "
                   "deleted. Runs made after that backup are not in it; their folders under "
                   "runs/ stay.")
    else:
        restore = (f"No backup exists; {doctor_command(root, '--start-fresh')} moves the "
                   "database aside (never deleting it) and starts a new, empty one.")
    if verdict is Verdict.BROKEN_REFERENCES:
        return ("The data can still be read: MusicLab keeps working. If experiments or runs "
                "are missing, " + restore[0].lower() + restore[1:])
    return restore


# --- replacing ----------------------------------------------------------------------------

def restore_backup(root: Path, chosen: Path | None = None) -> Replacement:
    """Put a copy of the newest backup (or ``chosen``) in place of the database.

    The backup is checked first; a damaged one is refused. The backup file stays.
    Close MusicLab (window and commands) before: a process that has the old database
    open would keep writing to the file moved aside.
    """
    source = _pick_backup(root, chosen)
    problem = _backup_problem(source)
    if problem is not None:
        raise DataFolderError(
            f"The backup {source} is damaged too ({problem}); choose another one with "
            f"--restore-backup PATH (see {doctor_command(root)}).")
    database = root / db.DATABASE_FILE
    root.mkdir(parents=True, exist_ok=True)
    # Opened as if in a read-only folder: nothing is written beside the backup.
    with closing(_connect(source, read_only_folder=True)) as backup:
        kept_at = move_aside(root)
        copy_database(backup, database)
    return Replacement(database, source, kept_at)


def _backup_problem(source: Path) -> str | None:
    problem = header_problem(source)
    if problem is not None:
        return problem
    try:
        with closing(_connect(source, read_only_folder=True)) as backup:
            verdict = _one_line(backup.execute("PRAGMA integrity_check(1)").fetchone()[0])
    except sqlite3.Error as exc:
        return str(exc)
    return None if verdict == "ok" else verdict


def _pick_backup(root: Path, chosen: Path | None) -> Path:
    if chosen is None:
        backups = list_backups(root)
        if not backups:
            raise NotFoundError(f"There is no backup to restore in {root / 'backups'}.")
        return backups[0].path
    chosen = chosen.expanduser().resolve()
    if not chosen.is_file():
        raise NotFoundError(f"The backup {chosen} does not exist.")
    return chosen


def start_fresh(root: Path) -> Replacement:
    """A new, empty database in place of a damaged, empty or missing one (kept aside)."""
    database = root / db.DATABASE_FILE
    verdict = examine(root).verdict
    if verdict in (Verdict.HEALTHY, Verdict.BROKEN_REFERENCES, Verdict.READ_ONLY):
        raise InvalidStateError(
            f"The database {database} can be read, so --start-fresh leaves it alone; it "
            "only replaces a damaged, empty or missing database.")
    root.mkdir(parents=True, exist_ok=True)
    kept_at = move_aside(root)
    engine = db.create_sqlite_engine(database)
    try:
        db.upgrade(engine)
    finally:
        engine.dispose()
    return Replacement(database, None, kept_at)


def move_aside(root: Path) -> Path | None:
    """Rename the database (file or folder) and its -wal/-shm files to
    ``musiclab-replaced-<time>.sqlite3``; where it went, or None when there was none.

    The -wal file must go with it: left behind, SQLite would replay it into whatever
    database takes the name next.
    """
    database = root / db.DATABASE_FILE
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kept = root / f"musiclab-replaced-{stamp}.sqlite3"
    moved = False
    for suffix in ("", "-wal", "-shm"):
        part = database.with_name(database.name + suffix)
        if part.exists() or part.is_symlink():
            part.rename(kept.with_name(kept.name + suffix))
            moved = moved or suffix == ""
    return kept if moved else None
