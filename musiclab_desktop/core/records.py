"""Read-only snapshots that services hand out.

Widgets, the runner and the CLI get these plain values, never live ORM objects, so
no caller can touch the database behind a service's back or trip over a closed
session.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, overload

from musiclab_desktop.core.models import (
    Adapter,
    Dataset,
    DatasetItem,
    Experiment,
    Generation,
    Run,
    Sample,
)
from musiclab_desktop.core.status import ExperimentStatus, RunStatus


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
@overload
def as_utc(moment: datetime | None) -> datetime | None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite keeps no time zone: every stored time is UTC, so say so on the way out."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else as_utc(datetime.fromisoformat(value))


def _json_or_none(value: str | None) -> Any:
    """A JSON column read raw: its text parsed, SQL NULL and JSON null as None."""
    return None if value in (None, "null") else json.loads(value)


def _columns(record_type: type, row: object, **computed: Any) -> dict[str, Any]:
    """The record's fields read off an ORM row by name (times marked UTC), plus the
    ``computed`` ones the row does not hold."""
    values = {}
    for field in fields(record_type):
        if field.name not in computed:
            value = getattr(row, field.name)
            values[field.name] = as_utc(value) if isinstance(value, datetime) else value
    return {**values, **computed}


class _Record:
    def to_json(self) -> dict[str, Any]:
        return {key: _jsonable(value) for key, value in asdict(self).items()}  # type: ignore[call-overload]


@dataclass(frozen=True)
class ExperimentRecord(_Record):
    id: int
    name: str
    description: str
    dataset_id: int | None
    dataset_name: str | None
    config: dict[str, Any]
    status: ExperimentStatus
    best_run_id: int | None
    best_run_name: str | None
    best_loss: float | None
    last_error: str | None
    run_count: int
    created_at: datetime
    updated_at: datetime
    tags: tuple[str, ...] = ()

    @property
    def archived(self) -> bool:
        return self.status == ExperimentStatus.ARCHIVED

    @classmethod
    def of(
        cls,
        row: Experiment,
        *,
        dataset_name: str | None,
        best_run_name: str | None,
        run_count: int,
    ) -> ExperimentRecord:
        return cls(
            id=row.id,
            name=row.name,
            description=row.description,
            dataset_id=row.dataset_id,
            dataset_name=dataset_name,
            config=dict(row.config),
            status=ExperimentStatus(row.status),
            best_run_id=row.best_run_id,
            best_run_name=best_run_name,
            best_loss=row.best_loss,
            last_error=row.last_error,
            run_count=run_count,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
            tags=tuple(row.tags or ()),
        )


class RunRecord(NamedTuple):
    """A run. A NamedTuple, not a frozen dataclass: an experiment can hold thousands of
    runs, and a frozen dataclass spends most of a listing in its ``__init__``."""

    id: int
    experiment_id: int
    name: str
    status: RunStatus
    config_override: dict[str, Any] | None
    output_dir: str | None
    adapter_id: int | None
    final_loss: float | None
    error: str | None
    pid: int | None
    current_step: int
    total_steps: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    owner_pid: int | None = None
    owner_heartbeat_at: datetime | None = None
    parent_run_id: int | None = None
    resume_steps: list[int] | None = None
    notes: str = ""
    tags: list[str] = []  # noqa: RUF012 - a NamedTuple default; records are never mutated
    target: str | None = None

    # The config snapshot a run started with is not a field: listing thousands of runs
    # would parse it for each. Read it with RunService.effective_config(run_id).

    def to_json(self) -> dict[str, Any]:
        return {key: _jsonable(value) for key, value in self._asdict().items()}

    @property
    def is_active(self) -> bool:
        return self.status in RunStatus.ACTIVE

    @property
    def is_terminal(self) -> bool:
        return self.status in RunStatus.TERMINAL

    @classmethod
    def from_raw(cls, row: Sequence[Any]) -> RunRecord:
        """From a raw driver row holding the columns in field order (RunService.list)."""
        (run_id, experiment_id, name, status, override, output_dir, adapter_id, final_loss,
         error, pid, current_step, total_steps, created, started, finished, owner_pid,
         heartbeat, parent_run_id, resume_steps, notes, tags, target) = row
        return cls(
            run_id, experiment_id, name, RunStatus(status),
            json.loads(override) if override not in (None, "null") else None,
            output_dir, adapter_id, final_loss, error, pid, current_step or 0, total_steps,
            as_utc(datetime.fromisoformat(created)), _parse_time(started), _parse_time(finished),
            owner_pid, _parse_time(heartbeat), parent_run_id, _json_or_none(resume_steps),
            notes or "", _json_or_none(tags) or [], target,
        )

    @classmethod
    def of(cls, row: Run) -> RunRecord:
        return cls(
            id=row.id,
            experiment_id=row.experiment_id,
            name=row.name,
            status=RunStatus(row.status),
            config_override=dict(row.config_override) if row.config_override else None,
            output_dir=row.output_dir,
            adapter_id=row.adapter_id,
            final_loss=row.final_loss,
            error=row.error,
            pid=row.pid,
            current_step=row.current_step or 0,
            total_steps=row.total_steps,
            created_at=as_utc(row.created_at),
            started_at=as_utc(row.started_at),
            finished_at=as_utc(row.finished_at),
            owner_pid=row.owner_pid,
            owner_heartbeat_at=as_utc(row.owner_heartbeat_at),
            parent_run_id=row.parent_run_id,
            resume_steps=list(row.resume_steps) if row.resume_steps is not None else None,
            notes=row.notes or "",
            tags=list(row.tags or []),
            target=row.target,
        )


@dataclass(frozen=True)
class RunDetail:
    """One run with the config it trains (or trained) with: what ``runs show`` prints."""

    run: RunRecord
    config: dict[str, Any]
    # Why a FAILED run failed, as the worker classed it (protocol.ErrorKind), when known.
    error_kind: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**self.run.to_json(), "error_kind": self.error_kind,
                "effective_config": dict(self.config)}


@dataclass(frozen=True)
class AdapterRecord(_Record):
    id: int
    name: str
    path: str
    base_model: str
    lora_r: int
    lora_alpha: int
    lora_targets: str
    final_loss: float | None
    experiment_id: int | None
    run_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, row: Adapter) -> AdapterRecord:
        return cls(**_columns(cls, row))


@dataclass(frozen=True)
class DatasetRecord(_Record):
    id: int
    name: str
    folder: str
    clip_count: int
    usable_count: int
    total_duration: float
    created_at: datetime

    @classmethod
    def of(cls, row: Dataset, *, clip_count: int, usable_count: int, total_duration: float
           ) -> DatasetRecord:
        return cls(**_columns(cls, row, clip_count=clip_count, usable_count=usable_count,
                              total_duration=total_duration))


@dataclass(frozen=True)
class DatasetItemRecord(_Record):
    id: int
    file_name: str
    path: str
    duration: float | None
    sample_rate: int | None
    channels: int | None
    caption: str | None
    problem: str | None
    usable: bool
    extra: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: DatasetItem) -> DatasetItemRecord:
        return cls(**_columns(cls, row))


@dataclass(frozen=True)
class MetricSeriesData(_Record):
    """One metric of one run, in step order; NaN where the value was not a number."""

    name: str
    steps: list[int]
    values: list[float]
    wall_times: list[float | None]


@dataclass(frozen=True)
class SampleRecord(_Record):
    """A sample of a run; ``path`` is relative to the run's folder (``run_dir``)."""

    id: int
    run_id: int
    step: int
    prompt_index: int
    prompt: str
    seed: int
    seconds: float
    sample_rate: int
    path: str
    reference: bool
    rating: int | None
    created_at: datetime
    run_dir: str | None

    @property
    def file(self) -> Path | None:
        """Where the WAV is, or None for a run without a folder."""
        return None if self.run_dir is None else Path(self.run_dir) / self.path

    @classmethod
    def of(cls, row: Sample, run_dir: str | None) -> SampleRecord:
        return cls(**_columns(cls, row, run_dir=run_dir))


@dataclass(frozen=True)
class GenerationRecord(_Record):
    """A generated take; ``path`` is relative to the data folder (``data_dir``)."""

    id: int
    request_id: str
    adapter_id: int | None
    base_model: str
    prompt: str
    take: int
    seed: int
    seconds: float
    settings: dict[str, Any]
    sample_rate: int
    path: str
    created_at: datetime
    data_dir: str

    @property
    def file(self) -> Path:
        return Path(self.data_dir) / self.path

    @classmethod
    def of(cls, row: Generation, data_dir: Path) -> GenerationRecord:
        return cls(**_columns(cls, row, data_dir=str(data_dir)))
