"""SQLAlchemy models: the tables of a data folder's database.

The schema itself is created and upgraded by the Alembic migrations in
``core/migrations``; these classes must match the latest migration (a test checks).
Every integer key is AUTOINCREMENT: an id, once handed out, is never handed out again,
so nothing kept outside the database under an id (folders, window settings) can be
inherited by a newer row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from musiclab_desktop.core.status import ExperimentStatus, RunStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


class Dataset(Base):
    __tablename__ = "datasets"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    folder: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DatasetItem(Base):
    __tablename__ = "dataset_items"
    __table_args__ = (
        Index("ix_dataset_items_dataset", "dataset_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    duration: Mapped[float | None] = mapped_column(Float)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[int | None] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)
    usable: Mapped[bool] = mapped_column(Boolean, default=True)
    # Metadata columns beyond the caption (genre, bpm, key, ...), as imported.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Experiment(Base):
    __tablename__ = "experiments"
    __table_args__ = (
        # Names are unique among the experiments a person can see; archived ones may repeat.
        Index(
            "uq_experiments_active_name",
            "name",
            unique=True,
            sqlite_where=text(f"status != '{ExperimentStatus.ARCHIVED}'"),
        ),
        Index("ix_experiments_status_updated", "status", "updated_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    dataset_id: Mapped[int | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL")
    )
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=ExperimentStatus.DRAFT)
    best_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL", use_alter=True, name="fk_experiments_best_run")
    )
    best_loss: Mapped[float | None] = mapped_column(Float)
    last_error: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Adapter(Base):
    __tablename__ = "adapters"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(400))
    path: Mapped[str] = mapped_column(Text)
    base_model: Mapped[str] = mapped_column(Text)
    lora_r: Mapped[int] = mapped_column(Integer)
    lora_alpha: Mapped[int] = mapped_column(Integer)
    lora_targets: Mapped[str] = mapped_column(Text)
    final_loss: Mapped[float | None] = mapped_column(Float)
    experiment_id: Mapped[int | None] = mapped_column(
        ForeignKey("experiments.id", ondelete="SET NULL"), index=True
    )
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL", use_alter=True, name="fk_adapters_run")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("experiment_id", "name", name="uq_runs_experiment_name"),
        Index("ix_runs_status", "status"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.PENDING)
    config_override: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    output_dir: Mapped[str | None] = mapped_column(Text)
    adapter_id: Mapped[int | None] = mapped_column(
        ForeignKey("adapters.id", ondelete="SET NULL")
    )
    final_loss: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    pid: Mapped[int | None] = mapped_column(Integer)
    current_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_steps: Mapped[int | None] = mapped_column(Integer)
    # The experiment config merged with the override when the run started: what the
    # run trains with, whatever the experiment's config becomes later. Null for runs
    # started before this was recorded (they fall back to the experiment's config).
    effective_config: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The process that owns a live run (the window, the CLI or a supervisor) and when
    # it last said it is alive: how other processes tell a crashed owner's run.
    owner_pid: Mapped[int | None] = mapped_column(Integer)
    owner_heartbeat_at: Mapped[datetime | None] = mapped_column()
    # A run continued from a finished one names it; its adapter is where training began.
    parent_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL", name="fk_runs_parent_run")
    )
    # The steps this run resumed from a checkpoint, in order (null: never resumed).
    resume_steps: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # The run target's name (null: this machine) and what following it remotely needs
    # after a restart (job id, stored byte offsets).
    target: Mapped[str | None] = mapped_column(String(200))
    remote_state: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


class RunLogChunk(Base):
    __tablename__ = "run_log_chunks"
    __table_args__ = (
        UniqueConstraint("run_id", "seq", name="uq_run_log_chunks_seq"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MetricBlock(Base):
    """Up to a few thousand points of one metric of one run, packed (core/metric_blocks.py).

    The data model is still one point per (step, name, value, wall time); storing them in
    blocks lets a million-point series load in milliseconds instead of a second.
    """

    __tablename__ = "metric_blocks"
    __table_args__ = (
        Index("ix_metric_blocks_series", "run_id", "name", "first_step"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    first_step: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    step_data: Mapped[bytes] = mapped_column(LargeBinary)
    value_data: Mapped[bytes] = mapped_column(LargeBinary)
    wall_data: Mapped[bytes] = mapped_column(LargeBinary)


class Sample(Base):
    """Audio a run made at ``step`` for one of its prompts; step 0 with ``reference`` is
    the base model before training. ``path`` is relative to the run folder."""

    __tablename__ = "samples"
    __table_args__ = (
        UniqueConstraint("run_id", "step", "prompt_index", name="uq_samples_run_step_prompt"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    prompt_index: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    reference: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    rating: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Generation(Base):
    """One take generated on request with an adapter (or the base model when
    ``adapter_id`` is null); takes of one request share ``request_id``. ``path`` is
    relative to the data folder."""

    __tablename__ = "generations"
    __table_args__ = (
        Index("ix_generations_request", "request_id"),
        Index("ix_generations_adapter", "adapter_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64))
    adapter_id: Mapped[int | None] = mapped_column(
        ForeignKey("adapters.id", ondelete="SET NULL")
    )
    base_model: Mapped[str] = mapped_column(Text)
    prompt: Mapped[str] = mapped_column(Text)
    take: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seed: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    sample_rate: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
