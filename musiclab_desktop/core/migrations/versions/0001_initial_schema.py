"""Initial schema: datasets, experiments, runs, adapters, logs and metrics.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "dataset_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "dataset_id",
            sa.Integer,
            sa.ForeignKey("datasets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("duration", sa.Float),
        sa.Column("sample_rate", sa.Integer),
        sa.Column("channels", sa.Integer),
        sa.Column("caption", sa.Text),
        sa.Column("problem", sa.Text),
        sa.Column("usable", sa.Boolean, nullable=False),
    )
    op.create_index("ix_dataset_items_dataset", "dataset_items", ["dataset_id"])
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="SET NULL")),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column(
            "best_run_id",
            sa.Integer,
            sa.ForeignKey("runs.id", ondelete="SET NULL", name="fk_experiments_best_run"),
        ),
        sa.Column("best_loss", sa.Float),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index(
        "uq_experiments_active_name",
        "experiments",
        ["name"],
        unique=True,
        sqlite_where=sa.text("status != 'ARCHIVED'"),
    )
    op.create_index("ix_experiments_status_updated", "experiments", ["status", "updated_at"])
    op.create_table(
        "adapters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("base_model", sa.Text, nullable=False),
        sa.Column("lora_r", sa.Integer, nullable=False),
        sa.Column("lora_alpha", sa.Integer, nullable=False),
        sa.Column("lora_targets", sa.Text, nullable=False),
        sa.Column("final_loss", sa.Float),
        sa.Column(
            "experiment_id", sa.Integer, sa.ForeignKey("experiments.id", ondelete="SET NULL")
        ),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("runs.id", ondelete="SET NULL", name="fk_adapters_run"),
        ),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_adapters_experiment_id", "adapters", ["experiment_id"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "experiment_id",
            sa.Integer,
            sa.ForeignKey("experiments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("config_override", sa.JSON, nullable=True),
        sa.Column("output_dir", sa.Text),
        sa.Column("adapter_id", sa.Integer, sa.ForeignKey("adapters.id", ondelete="SET NULL")),
        sa.Column("final_loss", sa.Float),
        sa.Column("error", sa.Text),
        sa.Column("pid", sa.Integer),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("started_at", TZ),
        sa.Column("finished_at", TZ),
        sa.UniqueConstraint("experiment_id", "name", name="uq_runs_experiment_name"),
    )
    op.create_index("ix_runs_experiment_id", "runs", ["experiment_id"])
    op.create_index("ix_runs_status", "runs", ["status"])
    op.create_table(
        "run_log_chunks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("run_id", "seq", name="uq_run_log_chunks_seq"),
    )
    op.create_table(
        "metric_points",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("wall_time", sa.Float),
    )
    op.create_index("ix_metric_points_series", "metric_points", ["run_id", "name", "step"])


def downgrade() -> None:
    for table in (
        "metric_points",
        "run_log_chunks",
        "runs",
        "adapters",
        "experiments",
        "dataset_items",
        "datasets",
    ):
        op.drop_table(table)
