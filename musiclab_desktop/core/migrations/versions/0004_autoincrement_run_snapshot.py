"""Ids are never reused; runs keep the config they started with and who owns them.

SQLite hands the highest rowid out again once that row is deleted, so a new run could
inherit a deleted run's id, folders and window settings. AUTOINCREMENT stops that; it
can only be declared when a table is created, so every table with an integer key is
rebuilt (batch mode copies the rows, ids included; SQLite's sequence then starts at
the highest id copied). core/db.py runs migrations with foreign keys off, so dropping
the old copy of a table cannot cascade into the rows that reference it.

Runs also gain ``effective_config`` (the experiment config merged with the override,
snapshotted at start; null for older runs) and ``owner_pid`` / ``owner_heartbeat_at``
(the process that owns a live run and when it last said so).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES_WITH_INTEGER_IDS = (
    "datasets",
    "dataset_items",
    "experiments",
    "adapters",
    "runs",
    "run_log_chunks",
    "metric_blocks",
)


def upgrade() -> None:
    for table in TABLES_WITH_INTEGER_IDS:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch:
            if table == "runs":
                batch.add_column(sa.Column("effective_config", sa.JSON, nullable=True))
                batch.add_column(sa.Column("owner_pid", sa.Integer))
                batch.add_column(sa.Column("owner_heartbeat_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    raise NotImplementedError("ids handed out with AUTOINCREMENT cannot be taken back")
