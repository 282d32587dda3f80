"""The SQLite database of a data folder: engine settings and schema migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text

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


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; a new file gets the whole schema.

    Foreign keys are switched off while migrating: SQLite rebuilds a table to change
    it, and dropping the old copy with cascades on would delete the rows that
    reference it (logs and metrics of every run).
    """
    if current_revision(engine) == head_revision() and revision == "head":
        return
    config = alembic_config()
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
        problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    if problems:
        raise RuntimeError(f"database migration left broken references: {problems[:5]}")
