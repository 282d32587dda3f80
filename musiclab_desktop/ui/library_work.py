"""The slow reads and changes that ops run on a pool thread: plain functions of the
library, no Qt, so nothing here can touch a widget from the wrong thread."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from musiclab_desktop.core.errors import MusiclabError, NotFoundError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.telemetry import MetricArrays


@dataclass(frozen=True)
class RunHistory:
    """One run's stored log (up to a chunk noted on the GUI thread) and metrics."""

    run_id: int
    log: bytes
    metrics: dict[str, MetricArrays]


@dataclass(frozen=True)
class Comparison:
    """The stored metrics and the settings each compared run trained with."""

    metrics: dict[int, dict[str, MetricArrays]]
    configs: dict[int, dict[str, Any]]


@dataclass(frozen=True)
class RunDeletion:
    """What a delete did: ``gone`` were already deleted elsewhere (the CLI, another
    window); ``error`` is core's refusal for the rest, if it refused."""

    asked: list[int]
    gone: set[int] = field(default_factory=set)
    error: str | None = None

    @property
    def removed(self) -> set[int]:
        """Runs no longer there, whoever deleted them."""
        return set(self.asked) if self.error is None else set(self.gone)


def read_history(library: Library, run_id: int, end_chunk: int) -> RunHistory:
    log = b"".join(library.telemetry.iter_log(run_id, end_chunk=end_chunk))
    return RunHistory(run_id, log, library.telemetry.all_series_arrays(run_id))


def read_comparison(library: Library, run_ids: list[int]) -> Comparison:
    metrics = {run_id: library.telemetry.all_series_arrays(run_id) for run_id in run_ids}
    # What each run trained with, not the experiment's config of today.
    configs = library.runs.effective_configs(run_ids)
    return Comparison(metrics, {run_id: config.to_dict() for run_id, config in configs.items()})


def delete_runs(library: Library, experiment_id: int, run_ids: Iterable[int]) -> RunDeletion:
    """Delete finished runs (rows, logs, metrics and run folders: slow on a big run)."""
    asked = list(run_ids)
    try:
        library.runs.delete_many(experiment_id, asked)
        return RunDeletion(asked)
    except NotFoundError:
        gone = _already_deleted(library, experiment_id, asked)
    remaining = [run_id for run_id in asked if run_id not in gone]
    if remaining:
        try:
            library.runs.delete_many(experiment_id, remaining)
        except MusiclabError as exc:
            return RunDeletion(asked, gone, str(exc))
    return RunDeletion(asked, gone)


def _already_deleted(library: Library, experiment_id: int, run_ids: list[int]) -> set[int]:
    try:
        present = {run.id for run in library.runs.list(experiment_id)}
    except NotFoundError:
        present = set()
    return set(run_ids) - present
