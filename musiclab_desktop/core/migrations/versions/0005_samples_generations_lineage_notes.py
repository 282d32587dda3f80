"""Samples and generations, run lineage and resumes, notes and tags, clip metadata, targets.

One migration for the schema the listening, generation, resume, practitioner and
remote-target work needs, so those features build on one head:

- ``samples``: the audio a run made at a step for a prompt (a reference of the base
  model at step 0), with the listener's 1-5 rating.
- ``generations``: audio made on request with an adapter (or the base model).
- ``runs``: ``parent_run_id`` (a run continued from a finished one), ``resume_steps``
  (the steps a run resumed from, in order), ``notes`` and ``tags``, ``target`` (the run
  target's name; null is this machine) and ``remote_state`` (what following a remote
  run needs after a restart: job id, stored byte offsets).
- ``experiments.tags`` and ``dataset_items.extra`` (metadata columns beyond the caption).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# A batch rebuild of a table copies it; without this the copy would lose AUTOINCREMENT.
_KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade() -> None:
    _create_samples()
    _create_generations()
    with op.batch_alter_table("runs", table_kwargs=_KEEP_AUTOINCREMENT) as batch:
        batch.add_column(sa.Column("parent_run_id", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_runs_parent_run", "runs", ["parent_run_id"], ["id"], ondelete="SET NULL"
        )
        batch.add_column(sa.Column("resume_steps", sa.JSON, nullable=True))
        batch.add_column(sa.Column("notes", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("tags", sa.JSON, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("target", sa.String(200), nullable=True))
        batch.add_column(sa.Column("remote_state", sa.JSON, nullable=True))
    with op.batch_alter_table("experiments", table_kwargs=_KEEP_AUTOINCREMENT) as batch:
        batch.add_column(sa.Column("tags", sa.JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("dataset_items", table_kwargs=_KEEP_AUTOINCREMENT) as batch:
        batch.add_column(sa.Column("extra", sa.JSON, nullable=True))


def _create_samples() -> None:
    op.create_table(
        "samples",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("prompt_index", sa.Integer, nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("sample_rate", sa.Integer, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("reference", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("run_id", "step", "prompt_index", name="uq_samples_run_step_prompt"),
        sqlite_autoincrement=True,
    )


def _create_generations() -> None:
    op.create_table(
        "generations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column(
            "adapter_id",
            sa.Integer,
            sa.ForeignKey("adapters.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("base_model", sa.Text, nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("take", sa.Integer, nullable=False, server_default="0"),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("sample_rate", sa.Integer, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_generations_request", "request_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_generations_adapter", "generations", ["adapter_id"])


def downgrade() -> None:
    op.drop_table("generations")
    op.drop_table("samples")
    with op.batch_alter_table("dataset_items", table_kwargs=_KEEP_AUTOINCREMENT) as batch:
        batch.drop_column("extra")
    with op.batch_alter_table("experiments", table_kwargs=_KEEP_AUTOINCREMENT) as batch:
        batch.drop_column("tags")
    with op.batch_alter_table("runs", table_kwargs=_KEEP_AUTOINCREMENT) as batch:
        batch.drop_constraint("fk_runs_parent_run", type_="foreignkey")
        for column in ("remote_state", "target", "tags", "notes", "resume_steps", "parent_run_id"):
            batch.drop_column(column)
