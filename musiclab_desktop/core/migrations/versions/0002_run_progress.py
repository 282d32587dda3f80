"""Run progress: the step a run has reached and its total, for the runs table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(
            sa.Column("current_step", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("total_steps", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("total_steps")
        batch.drop_column("current_step")
