"""How an experiment's status follows its runs: the one place this rule lives.

- Any run RUNNING -> RUNNING.
- Runs only waiting (PENDING) leave the status as it was: nothing has started yet.
- All runs terminal, at least one COMPLETED -> COMPLETED.
- All runs terminal, every non-cancelled run FAILED -> FAILED (last error kept).
- All runs CANCELLED, or no runs left -> DRAFT: the user stopped every attempt,
  nothing succeeded and nothing broke, so the experiment is back to being prepared.
- ARCHIVED is never changed by runs (an archived experiment has no active runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from musiclab_desktop.core.models import Experiment, Run
from musiclab_desktop.core.records import as_utc
from musiclab_desktop.core.status import ExperimentStatus, RunStatus


def status_from_runs(current: str, run_statuses: Iterable[str]) -> ExperimentStatus:
    statuses = list(run_statuses)
    if current == ExperimentStatus.ARCHIVED:
        return ExperimentStatus.ARCHIVED
    if RunStatus.RUNNING in statuses:
        return ExperimentStatus.RUNNING
    if RunStatus.PENDING in statuses:
        return ExperimentStatus(current)
    if RunStatus.COMPLETED in statuses:
        return ExperimentStatus.COMPLETED
    if RunStatus.FAILED in statuses:
        return ExperimentStatus.FAILED
    return ExperimentStatus.DRAFT


def _finish_order(run: Run) -> tuple[datetime, int]:
    return (as_utc(run.finished_at) or datetime.min.replace(tzinfo=UTC), run.id)


def refresh_experiment_status(session: Session, experiment: Experiment) -> None:
    """Recompute ``experiment.status`` (and its last error) from its runs."""
    runs = session.scalars(
        select(Run).where(Run.experiment_id == experiment.id).order_by(Run.id)
    ).all()
    status = status_from_runs(experiment.status, (run.status for run in runs))
    if status == ExperimentStatus.FAILED:
        failed = [run for run in runs if run.status == RunStatus.FAILED]
        if failed:  # else a failed run was resumed and waits (PENDING) to start again
            experiment.last_error = max(failed, key=_finish_order).error
    elif status == ExperimentStatus.COMPLETED:
        experiment.last_error = None
    experiment.status = status


def refresh_best_run(session: Session, experiment: Experiment) -> None:
    """Best run = the completed run with the lowest final loss (ties: the earliest)."""
    best = session.scalars(
        select(Run)
        .where(
            Run.experiment_id == experiment.id,
            Run.status == RunStatus.COMPLETED,
            Run.final_loss.is_not(None),
        )
        .order_by(Run.final_loss, Run.id)
        .limit(1)
    ).first()
    experiment.best_run_id = best.id if best else None
    experiment.best_loss = best.final_loss if best else None
