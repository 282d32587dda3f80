"""Fetching one row by id or saying it does not exist: shared by every service.

Services call these inside their own session; none imports another service for them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from musiclab_desktop.core.errors import NotFoundError
from musiclab_desktop.core.models import Dataset, Experiment, Run


def get_dataset_row(session: Session, dataset_id: int) -> Dataset:
    dataset = session.get(Dataset, dataset_id)
    if dataset is None:
        raise NotFoundError(f"Dataset {dataset_id} does not exist.")
    return dataset


def get_experiment_row(session: Session, experiment_id: int) -> Experiment:
    experiment = session.get(Experiment, experiment_id)
    if experiment is None:
        raise NotFoundError(f"Experiment {experiment_id} does not exist.")
    return experiment


def get_run_row(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise NotFoundError(f"Run {run_id} does not exist.")
    return run
