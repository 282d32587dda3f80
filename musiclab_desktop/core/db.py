"""The SQLite database of a data folder: engine settings and schema migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from musiclab_desktop.core.backups import back_up
from musiclab_desktop.core.errors import DataFolderError

if TYPE_CHECKING:
    from alembic.config import Config

DATABASE_FILE = "musiclab.sqlite3"
BUSY_TIMEOUT_MS = 10_000
_MIGRATIONS = Path(__file__).with_name("migrations")


def create_sqlite_engine(path: Path) -> Engine:
    """An engine on ``path`` with WAL, foreign keys and a busy timeout on every connection."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _configure_connection)
    return engine


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # WAL makes NORMAL durable across application crashes; only power loss can
    # drop the last transactions, and it is several times faster than FULL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Alembic is imported only when a migration has to run: opening an up-to-date data
# folder (every start of the app but the first after an upgrade) skips ~0.2 s of imports.


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _newest_version_file() -> str:
    """The revision id of the newest migration file ("0002_run_progress.py" -> "0002").

    Revisions are numbered in order and files are named after them, so the head is
    found without loading Alembic; a test checks this agrees with Alembic's head.
    """
    names = sorted(p.name for p in (_MIGRATIONS / "versions").glob("[0-9]*_*.py"))
    return names[-1].split("_", 1)[0]


def _is_newer(revision: str, newest: str) -> bool:
    """Revisions are zero-padded numbers; one we do not know that sorts after ours is newer."""
    return revision.isdigit() and newest.isdigit() and int(revision) > int(newest)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError as exc:
            if "no such table" not in str(exc):
                raise  # not a new file: the database cannot be read
            return None  # a new file: no version table yet


def upgrade(engine: Engine, revision: str = "head", *, data_folder: Path | None = None) -> None:
    """Bring the schema to ``revision``; a new file gets the whole schema.

    With ``data_folder``, a database that holds a schema already is first copied to
    that folder's ``backups/`` (see core/backups.py): migrations rebuild tables.
    Foreign keys are switched off while migrating: SQLite rebuilds a table to change
    it, and dropping the old copy with cascades on would delete the rows that
    reference it (logs and metrics of every run).
    """
    current = current_revision(engine)
    newest = _newest_version_file()
    if revision == "head" and current == newest:
        return
    if revision == "head" and current is not None and _is_newer(current, newest):
        raise DataFolderError(
            f"This data folder was written by a newer MusicLab (database version {current}; "
            f"this one knows versions up to {newest}). Install the newer MusicLab to open it, "
            "or choose another data folder with --data-dir.")
    from alembic import command

    config = alembic_config()
    with engine.connect() as connection:
        if data_folder is not None and current is not None:
            driver = connection.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)  # create_sqlite_engine's pysqlite
            back_up(driver, data_folder, current)
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
        problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    if problems:
        raise RuntimeError(f"database migration left broken references: {problems[:5]}")
