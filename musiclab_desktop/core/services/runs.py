"""Runs: reading, preparing a start (core/services/run_start.py), the lifecycle transitions,
and deletion.

The runner (QProcess) calls the transitions; this module holds the rules they apply:
an experiment needs a dataset, an override stores only what differs, a completed run
registers its adapter as ``{experiment_name}-{run_name}`` and may become the best run,
and only finished runs can be deleted.
"""

from __future__ import annotations

import builtins
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from musiclab_desktop.core.config import TrainingConfig, merge_override
from musiclab_desktop.core.errors import InvalidStateError, NotFoundError, ValidationError
from musiclab_desktop.core.folder_names import (
    adapter_folder_name,
    move_folder_to_new_path,
    unused_path,
)
from musiclab_desktop.core.models import (
    Adapter,
    Experiment,
    Run,
    utcnow,
)
from musiclab_desktop.core.protocol import RUN_SPEC_FILE
from musiclab_desktop.core.records import RunDetail, RunRecord
from musiclab_desktop.core.run_folder import failure_kind, write_failure_kind
from musiclab_desktop.core.services import resume
from musiclab_desktop.core.services.experiments import refuse_if_archived
from musiclab_desktop.core.services.rows import get_experiment_row, get_run_row
from musiclab_desktop.core.services.run_search import search_runs
from musiclab_desktop.core.services.run_start import RUN_NAME_MAX_LENGTH as RUN_NAME_MAX_LENGTH
from musiclab_desktop.core.services.run_start import next_default_name, prepare_start
from musiclab_desktop.core.services.status_rules import (
    refresh_best_run,
    refresh_experiment_status,
)
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.core.tags import normalize_tags

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library

INTERRUPTED_RUNNING = "interrupted: the application closed while this run was training"
INTERRUPTED_PENDING = "interrupted: the application closed before this run started"
STOPPED_BY_USER = "stopped by user"


def _run_config(session: Session, run: Run) -> TrainingConfig:
    """The snapshot taken at start; runs from before snapshots merge with today's config."""
    if run.effective_config is not None:
        return TrainingConfig.from_dict(run.effective_config)
    experiment = get_experiment_row(session, run.experiment_id)
    return merge_override(experiment.config, run.config_override)


class RunService:
    def __init__(self, library: Library) -> None:
        self._library = library

    # --- reading -------------------------------------------------------------

    def get(self, run_id: int) -> RunRecord:
        with self._library.transaction() as session:
            return RunRecord.of(get_run_row(session, run_id))

    def list(self, experiment_id: int) -> list[RunRecord]:
        """Every run of the experiment, oldest first.

        Read through the driver: building ORM objects and letting SQLAlchemy parse each
        timestamp is ~10x slower, and an experiment can hold thousands of runs.
        """
        with self._library.transaction() as session:
            get_experiment_row(session, experiment_id)
            rows = session.connection().exec_driver_sql(
                f"SELECT {', '.join(RunRecord._fields)} FROM runs "
                "WHERE experiment_id = ? ORDER BY id", (experiment_id,)
            ).all()
            return [RunRecord.from_raw(row) for row in rows]

    def list_active(self) -> builtins.list[RunRecord]:
        with self._library.transaction() as session:
            rows = session.scalars(
                select(Run).where(Run.status.in_(RunStatus.ACTIVE)).order_by(Run.id)
            ).all()
            return [RunRecord.of(row) for row in rows]

    def effective_config(self, run_id: int) -> TrainingConfig:
        """The config the run trains (or trained) with, whatever the experiment's is now."""
        with self._library.transaction() as session:
            return _run_config(session, get_run_row(session, run_id))

    def detail(self, run_id: int) -> RunDetail:
        with self._library.transaction() as session:
            run = get_run_row(session, run_id)
            record = RunRecord.of(run)
            kind = None
            if record.status == RunStatus.FAILED and record.output_dir:
                kind = failure_kind(Path(record.output_dir))
            return RunDetail(record, _run_config(session, run).to_dict(), error_kind=kind)

    def effective_configs(self, run_ids: Iterable[int]) -> dict[int, TrainingConfig]:
        """The configs of the runs that exist among ``run_ids``, by id (for comparing)."""
        with self._library.transaction() as session:
            runs = session.scalars(select(Run).where(Run.id.in_(set(run_ids)))).all()
            return {run.id: _run_config(session, run) for run in runs}

    def search(
        self,
        *,
        experiment_id: int | None = None,
        status: str | None = None,
        tag: str | None = None,
        filter_text: str = "",
        sort: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[tuple[RunRecord, dict[str, Any]]]:
        """Runs across experiments (or of one) with their effective settings, filtered
        and sorted (core/services/run_search.py); ``sort`` "-name" sorts descending."""
        with self._library.transaction() as session:
            if experiment_id is not None:
                get_experiment_row(session, experiment_id)
            return search_runs(session, experiment_id=experiment_id, status=status, tag=tag,
                               filter_text=filter_text, sort=sort, limit=limit)

    def annotate(self, run_id: int, *, notes: str | None = None,
                 tags: Iterable[str] | str | None = None) -> RunRecord:
        """Set what was given of the run's notes (free text) and tags; any run status."""
        with self._library.transaction() as session:
            run = get_run_row(session, run_id)
            refuse_if_archived(get_experiment_row(session, run.experiment_id),
                               "change its runs' notes or tags")
            if notes is not None:
                run.notes = notes.strip()
            if tags is not None:
                run.tags = normalize_tags(tags)
            session.flush()
            return RunRecord.of(run)

    def spec_path(self, run: RunRecord) -> Path:
        if not run.output_dir:
            raise InvalidStateError(f"Run '{run.name}' has no run folder.")
        return Path(run.output_dir) / RUN_SPEC_FILE

    def next_name(self, experiment_id: int) -> str:
        with self._library.transaction() as session:
            return next_default_name(session, experiment_id)

    # --- starting ------------------------------------------------------------

    def prepare_start(
        self,
        experiment_id: int,
        *,
        name: str | None = None,
        override: dict[str, Any] | None = None,
    ) -> RunRecord:
        """Create a PENDING run with its folder, dataset export and run spec (all or
        nothing: core/services/run_start.py)."""
        return prepare_start(self._library, experiment_id, name=name, override=override)

    # --- resume and continue (core/services/resume.py) -----------------------

    def resume_refusal(self, run_id: int) -> str | None:
        """Why the run cannot be resumed now (a sentence), or None."""
        return resume.resume_refusal(self.get(run_id))

    def prepare_resume(self, run_id: int, *, force: bool = False) -> RunRecord:
        """Back to PENDING to continue from its latest checkpoint (then start it)."""
        return resume.prepare_resume(self._library, run_id, force=force)

    def prepare_continue(self, run_id: int, override: dict[str, Any] | None = None,
                         *, name: str | None = None) -> RunRecord:
        """A new PENDING run starting from the completed run's adapter (then start it)."""
        return resume.prepare_continue(self._library, run_id, override, name=name)

    def lineage(self, run_id: int) -> builtins.list[RunRecord]:
        """The runs this one was continued from, nearest first."""
        return resume.lineage(self._library, run_id)

    # --- lifecycle -----------------------------------------------------------

    def mark_running(self, run_id: int, pid: int | None) -> RunRecord:
        with self._library.transaction() as session:
            run = self._active_run(session, run_id)
            run.status = RunStatus.RUNNING
            run.pid = pid
            run.started_at = utcnow()
            refresh_experiment_status(session, get_experiment_row(session, run.experiment_id))
            return RunRecord.of(run)

    def claim(self, run_id: int, owner_pid: int) -> RunRecord:
        """Record ``owner_pid`` as the process that trains the run, alive as of now.

        Other processes tell a run whose owner died by this pid and the heartbeat that
        the owner refreshes (see runner/reconcile.py).
        """
        with self._library.transaction() as session:
            run = self._active_run(session, run_id)
            run.owner_pid = owner_pid
            run.owner_heartbeat_at = utcnow()
            return RunRecord.of(run)

    def heartbeat(self, run_ids: Iterable[int], owner_pid: int) -> None:
        """The owner says it is alive: refresh its active runs' heartbeat."""
        ids = list(run_ids)
        if not ids:
            return
        with self._library.transaction() as session:
            session.execute(
                update(Run)
                .where(Run.id.in_(ids), Run.owner_pid == owner_pid,
                       Run.status.in_(RunStatus.ACTIVE))
                .values(owner_heartbeat_at=utcnow())
            )

    def record_progress(self, run_id: int, step: int, total_steps: int | None) -> None:
        with self._library.transaction() as session:
            run = get_run_row(session, run_id)
            run.current_step = step
            if total_steps:
                run.total_steps = total_steps

    def complete(self, run_id: int, *, adapter_dir: str | Path, final_loss: float | None
                 ) -> RunRecord:
        """COMPLETED: register the adapter ``{experiment}-{run}`` and update the best run.

        The adapter's settings are the ones the run started with, and its folder is
        always a new one under ``adapters/``.
        """
        source = Path(adapter_dir)
        if not source.is_dir():
            raise InvalidStateError(
                f"The worker reported success but its adapter folder {source} does not exist."
            )
        destination: Path | None = None
        try:
            with self._library.transaction() as session:
                run = self._active_run(session, run_id)
                experiment = get_experiment_row(session, run.experiment_id)
                config = _run_config(session, run)
                destination = unused_path(
                    self._library.adapters_dir,
                    adapter_folder_name(experiment.name, run.name, run.id),
                )
                adapter = Adapter(
                    name=f"{experiment.name}-{run.name}",
                    path=str(destination),
                    base_model=config.base_model,
                    lora_r=config.lora_r,
                    lora_alpha=config.lora_alpha,
                    lora_targets=config.lora_target_modules,
                    final_loss=final_loss,
                    experiment_id=experiment.id,
                    run_id=run.id,
                )
                session.add(adapter)
                session.flush()
                run.adapter_id = adapter.id
                run.final_loss = final_loss
                self._finish(session, run, RunStatus.COMPLETED, error=None)
                refresh_best_run(session, experiment)
                # Last, so a failure above leaves the files where the worker put them.
                move_folder_to_new_path(source, destination)
                record = RunRecord.of(run)
        except BaseException:
            # The commit failed after the move: the weights go back beside the run.
            if destination is not None and destination.is_dir() and not source.exists():
                move_folder_to_new_path(destination, source)
            raise
        return record

    def fail(self, run_id: int, error: str, kind: str | None = None) -> RunRecord:
        """FAILED with ``error``; ``kind`` (the worker's error kind) is kept beside the run."""
        with self._library.transaction() as session:
            run = self._active_run(session, run_id)
            self._finish(session, run, RunStatus.FAILED, error=error)
            record = RunRecord.of(run)
        if kind is not None:
            write_failure_kind(Path(record.output_dir) if record.output_dir else None, kind)
        return record

    def cancel(self, run_id: int, reason: str = STOPPED_BY_USER) -> RunRecord:
        with self._library.transaction() as session:
            run = self._active_run(session, run_id)
            self._finish(session, run, RunStatus.CANCELLED, error=reason)
            return RunRecord.of(run)

    def reconcile_interrupted(
        self, is_alive: Callable[[RunRecord], bool]
    ) -> builtins.list[RunRecord]:
        """Mark FAILED the runs left active by a process that is gone (an app restart)."""
        interrupted = []
        for run in self.list_active():
            if is_alive(run):
                continue
            reason = INTERRUPTED_RUNNING if run.status == RunStatus.RUNNING else INTERRUPTED_PENDING
            interrupted.append(self.fail(run.id, reason))
        return interrupted

    @staticmethod
    def _active_run(session: Session, run_id: int) -> Run:
        run = get_run_row(session, run_id)
        if run.status not in RunStatus.ACTIVE:
            raise InvalidStateError(f"Run '{run.name}' has already finished ({run.status}).")
        return run

    @staticmethod
    def _finish(session: Session, run: Run, status: str, *, error: str | None) -> None:
        run.status = status
        run.error = error
        run.finished_at = utcnow()
        run.pid = None
        session.flush()
        refresh_experiment_status(session, get_experiment_row(session, run.experiment_id))

    # --- deleting ------------------------------------------------------------

    def delete(self, run_id: int) -> None:
        """Delete one finished run (see :meth:`delete_many`)."""
        with self._library.transaction() as session:
            experiment_id = get_run_row(session, run_id).experiment_id
        self.delete_many(experiment_id, [run_id])

    def delete_many(self, experiment_id: int, run_ids: Iterable[int]) -> int:
        """Delete finished runs of one experiment, all or none.

        Removes each run's row, its log chunks and metric points (database cascade)
        and its run folder. Registered adapters stay, unlinked. The best run is
        recomputed from the completed runs that remain.
        """
        ids = sorted(set(run_ids))
        if not ids:
            raise ValidationError("Choose at least one run to delete.")
        with self._library.transaction() as session:
            experiment = get_experiment_row(session, experiment_id)
            runs = self._deletable_runs(session, experiment, ids)
            folders = [Path(run.output_dir) for run in runs if run.output_dir]
            for run in runs:
                session.delete(run)
            session.flush()
            session.refresh(experiment)
            refresh_best_run(session, experiment)
            refresh_experiment_status(session, experiment)
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        return len(ids)

    @staticmethod
    def _deletable_runs(
        session: Session, experiment: Experiment, ids: builtins.list[int]
    ) -> builtins.list[Run]:
        runs = session.scalars(
            select(Run).where(Run.id.in_(ids), Run.experiment_id == experiment.id)
        ).all()
        missing = sorted(set(ids) - {run.id for run in runs})
        if missing:
            listed = ", ".join(str(i) for i in missing)
            raise NotFoundError(
                f"Run {listed} does not exist in experiment '{experiment.name}'."
            )
        active = [run for run in runs if run.status in RunStatus.ACTIVE]
        if active:
            names = ", ".join(f"'{run.name}' ({run.status})" for run in active)
            raise InvalidStateError(
                f"Cannot delete {names}: cancel a run or let it finish before deleting it."
            )
        return list(runs)
