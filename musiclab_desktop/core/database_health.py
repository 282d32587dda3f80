"""Why a data folder's database cannot be used, in a sentence that says what to do.

Opening checks only what is cheap: whether the database is a file, whether its header
is SQLite's and the file as long as the header says, and whether a missing or empty
database sits beside run folders or adapters it should know about (a lost database
must not silently become a new, empty one). A full ``PRAGMA quick_check`` reads every
page: 1.8 s for a 95 MB database with a cold disk cache (0.05 s warm), the whole
start-up budget, so it runs in ``musiclab doctor`` instead, and damage that a later
read runs into becomes the same sentence (``database_problem``).
"""

from __future__ import annotations

import errno
import shlex
import tempfile
from pathlib import Path

from sqlalchemy.exc import DatabaseError, OperationalError

from musiclab_desktop.core.backups import latest_backup
from musiclab_desktop.core.data_folder import resolve_data_dir
from musiclab_desktop.core.db import DATABASE_FILE
from musiclab_desktop.core.errors import DataFolderError, MusiclabError, StorageError

SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
# SQLite's primary result codes (Python 3.11+ puts the name on the exception).
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_UNWRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")


def doctor_command(root: Path, *options: str) -> str:
    """The ``musiclab doctor`` command line for ``root`` (naming the folder when it is
    not the one found without ``--data-dir``)."""
    words = ["musiclab"]
    if root != resolve_data_dir(None):
        words += ["--data-dir", shlex.quote(str(root))]
    return "`" + " ".join([*words, "doctor", *options]) + "`"


def what_to_do(root: Path) -> str:
    """The way back from a damaged database: the doctor, and the backup it would restore."""
    backup = latest_backup(root)
    if backup is None:
        return (f"Run {doctor_command(root)} to see what it found. No backup exists yet; "
                f"{doctor_command(root, '--start-fresh')} moves the damaged database aside "
                "(it is never deleted) and starts a new, empty one.")
    return (f"Run {doctor_command(root)} to see what it found, then "
            f"{doctor_command(root, '--restore-backup')} to restore the backup at "
            f"{backup.describe()}; the damaged database is moved aside, never deleted.")


def damaged_sentence(root: Path, detail: str) -> str:
    return f"The database {root / DATABASE_FILE} is damaged ({detail}). {what_to_do(root)}"


# --- before opening -----------------------------------------------------------------------

def check_before_open(root: Path) -> None:
    """Refuse a database that is a folder, damaged in its header, cut short, or lost."""
    database = root / DATABASE_FILE
    if database.is_dir():
        raise DataFolderError(
            f"The database {database} is a folder, not a file. {what_to_do(root)}")
    if not database.exists() or database.stat().st_size == 0:
        lost = lost_database_problem(root)
        if lost is not None:
            raise DataFolderError(lost)
        return
    problem = header_problem(database)
    if problem is not None:
        raise DataFolderError(damaged_sentence(root, problem))


def header_problem(database: Path) -> str | None:
    """What the first 100 bytes and the file's length say is wrong, if anything."""
    size = database.stat().st_size
    with database.open("rb") as file:
        header = file.read(_HEADER_SIZE)
    if len(header) < _HEADER_SIZE:
        return f"it is only {size} bytes long, too short for an SQLite database"
    if not header.startswith(SQLITE_MAGIC):
        return "it does not start like an SQLite database: its header was overwritten"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header was overwritten (an impossible page size)"
    if _wal_has_frames(database):
        # Pages not yet copied back from the WAL: the file may be shorter for now.
        return None
    pages = int.from_bytes(header[28:32], "big")
    header_is_current = header[24:28] == header[92:96]
    if header_is_current and pages * page_size > size:
        return f"the file is cut short: {size:,} of its {pages * page_size:,} bytes are left"
    if size % page_size:
        return "the file is cut short in the middle of a page"
    return None


def _wal_has_frames(database: Path) -> bool:
    wal = database.with_name(database.name + "-wal")
    return wal.is_file() and wal.stat().st_size > 0


def leftovers(root: Path) -> tuple[int, int]:
    """How many run folders (with their run.json) and adapter folders ``root`` holds."""
    runs = sum(1 for _ in (root / "runs").glob("*/run.json"))
    adapters_folder = root / "adapters"
    adapters = sum(1 for p in adapters_folder.iterdir() if p.is_dir()) \
        if adapters_folder.is_dir() else 0
    return runs, adapters


def lost_database_problem(root: Path) -> str | None:
    """A sentence when the database is missing or empty but run folders or adapters
    say that this data folder was used: a new database would hide them."""
    runs, adapters = leftovers(root)
    if not runs and not adapters:
        return None
    database = root / DATABASE_FILE
    state = "empty" if database.exists() else "missing"
    backup = latest_backup(root)
    if backup is not None:
        restore = (f"Restore the backup at {backup.describe()} with "
                   f"{doctor_command(root, '--restore-backup')}.")
    else:
        restore = (f"No backup exists in {root / 'backups'}; if you have a copy of "
                   f"{DATABASE_FILE}, put it back in place.")
    return (f"The database {database} is {state}, but the data folder holds {runs} run "
            f"folder(s) and {adapters} adapter(s): the database seems lost, and a new one "
            f"would hide them. {restore} To start a new, empty database anyway, run "
            f"{doctor_command(root, '--start-fresh')}.")


# --- when SQLite fails -----------------------------------------------------------------

def storage_problem(root: Path, exc: OperationalError) -> str:
    reason = str(exc.orig) if exc.orig is not None else str(exc)
    if "full" in reason:
        return (f"Cannot write to the data folder {root}: the disk is full. "
                "Free some space; what could not be written is kept and written then.")
    if "locked" in reason or "busy" in reason:
        return (f"The data folder {root} is busy: another MusicLab process has been "
                "writing to it for too long. Try again in a moment.")
    return f"Cannot use the database in {root}: {reason}."


def database_problem(root: Path, exc: DatabaseError) -> MusiclabError | None:
    """The error to show for SQLite's failure ``exc``; None when it is not one a person
    can do anything about (a constraint, a bug), so that it propagates unchanged."""
    code = str(getattr(exc.orig, "sqlite_errorname", ""))
    reason = str(exc.orig) if exc.orig is not None else str(exc)
    if code.startswith(_DAMAGED) or "malformed" in reason or "not a database" in reason:
        return DataFolderError(damaged_sentence(root, f"SQLite: {reason}"))
    if code.startswith(_UNWRITABLE) or "readonly" in reason or "unable to open" in reason:
        unwritable = unwritable_reason(root)
        if unwritable is not None:
            return DataFolderError(
                f"The data folder {root} is read-only ({unwritable}), and MusicLab must "
                "write there. Make it writable, or choose another folder with --data-dir "
                "or MUSICLAB_DATA_DIR.")
    if isinstance(exc, OperationalError):
        return StorageError(storage_problem(root, exc))
    return None


def unwritable_reason(root: Path) -> str | None:
    """Why nothing can be written in ``root`` or to its database, found by trying."""
    try:
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return None  # writable, but full: a StorageError says so
        return f"no file can be created in it: {exc.strerror}"
    database = root / DATABASE_FILE
    if database.is_file():
        try:
            with database.open("r+b"):
                pass
        except OSError as exc:
            return f"its database file cannot be written: {exc.strerror}"
    return None
