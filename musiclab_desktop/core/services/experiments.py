"""Experiments: create, read, update, archive and unarchive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.errors import InvalidStateError, NotFoundError, ValidationError
from musiclab_desktop.core.models import Dataset, Experiment, Run
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.core.services.rows import get_experiment_row
from musiclab_desktop.core.status import ExperimentStatus, RunStatus
from musiclab_desktop.core.tags import normalize_tags

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library

_UNSET: Any = object()

# The names column's width (models.Experiment.name is String(200)).
EXPERIMENT_NAME_MAX_LENGTH = 200


def experiment_record(session: Session, experiment: Experiment) -> ExperimentRecord:
    dataset = session.get(Dataset, experiment.dataset_id) if experiment.dataset_id else None
    best = session.get(Run, experiment.best_run_id) if experiment.best_run_id else None
    run_count = session.scalar(
        select(func.count()).select_from(Run).where(Run.experiment_id == experiment.id)
    )
    return ExperimentRecord.of(
        experiment,
        dataset_name=dataset.name if dataset else None,
        best_run_name=best.name if best else None,
        run_count=run_count or 0,
    )


def refuse_if_archived(experiment: Experiment, action: str) -> None:
    """The one archive rule: an archived experiment is read-only until unarchived."""
    if experiment.status == ExperimentStatus.ARCHIVED:
        raise InvalidStateError(
            f"Experiment '{experiment.name}' is archived; unarchive it to {action}.")


def start_refusal(experiment: Experiment) -> str | None:
    """Why no run of ``experiment`` can start now, or None when one can."""
    if experiment.status == ExperimentStatus.ARCHIVED:
        return f"Experiment '{experiment.name}' is archived; unarchive it to start runs."
    if experiment.dataset_id is None:
        return (f"Experiment '{experiment.name}' has no dataset: a dataset is required to "
                "start a run. Link one first.")
    return None


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("An experiment needs a name.", {"name": "required"})
    if len(name) > EXPERIMENT_NAME_MAX_LENGTH:
        raise ValidationError(
            f"Experiment names are at most {EXPERIMENT_NAME_MAX_LENGTH} characters.",
            {"name": "too long"})
    return name


class ExperimentService:
    def __init__(self, library: Library) -> None:
        self._library = library

    def create(
        self,
        name: str,
        *,
        description: str = "",
        dataset_id: int | None = None,
        config: dict[str, Any] | None = None,
    ) -> ExperimentRecord:
        """A new DRAFT experiment; a config not given (or partly given) takes the defaults."""
        name = _clean_name(name)
        effective = TrainingConfig.from_dict(config).to_dict()
        with self._library.transaction() as session:
            self._check_dataset(session, dataset_id)
            self._check_name_free(session, name)
            experiment = Experiment(
                name=name,
                description=description.strip(),
                dataset_id=dataset_id,
                config=effective,
                status=ExperimentStatus.DRAFT,
            )
            session.add(experiment)
            session.flush()
            return experiment_record(session, experiment)

    def get(self, experiment_id: int) -> ExperimentRecord:
        with self._library.transaction() as session:
            return experiment_record(session, get_experiment_row(session, experiment_id))

    def list(self, *, include_archived: bool = False, search: str = "") -> list[ExperimentRecord]:
        """Newest activity first; archived ones only when asked for."""
        run_counts = (
            select(Run.experiment_id, func.count().label("n"))
            .group_by(Run.experiment_id)
            .subquery()
        )
        best_runs = select(Run.id, Run.name).subquery()
        query = (
            select(Experiment, Dataset.name, best_runs.c.name, run_counts.c.n)
            .outerjoin(Dataset, Dataset.id == Experiment.dataset_id)
            .outerjoin(best_runs, best_runs.c.id == Experiment.best_run_id)
            .outerjoin(run_counts, run_counts.c.experiment_id == Experiment.id)
            .order_by(Experiment.updated_at.desc(), Experiment.id.desc())
        )
        if not include_archived:
            query = query.where(Experiment.status != ExperimentStatus.ARCHIVED)
        if search.strip():
            query = query.where(Experiment.name.icontains(search.strip(), autoescape=True))
        with self._library.transaction() as session:
            return [
                ExperimentRecord.of(row, dataset_name=ds, best_run_name=best, run_count=n or 0)
                for row, ds, best, n in session.execute(query).all()
            ]

    def update(
        self,
        experiment_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
        dataset_id: int | None = _UNSET,
        config: dict[str, Any] | None = None,
    ) -> ExperimentRecord:
        """Change what was given; ``config`` replaces the stored config after validation.

        An archived experiment is read-only until unarchived (archive is a soft delete):
        every change is refused, as starting a run is.
        """
        with self._library.transaction() as session:
            experiment = get_experiment_row(session, experiment_id)
            refuse_if_archived(experiment, "change it")
            if name is not None and _clean_name(name) != experiment.name:
                self._check_name_free(session, _clean_name(name), exclude_id=experiment.id)
                experiment.name = _clean_name(name)
            if description is not None:
                experiment.description = description.strip()
            if dataset_id is not _UNSET:
                self._check_dataset(session, dataset_id)
                experiment.dataset_id = dataset_id
            if config is not None:
                experiment.config = TrainingConfig.from_dict(config).to_dict()
            session.flush()
            return experiment_record(session, experiment)

    def annotate(self, experiment_id: int, *, description: str | None = None,
                 tags: Iterable[str] | str | None = None) -> ExperimentRecord:
        """Set what was given of the experiment's notes (its description) and tags."""
        with self._library.transaction() as session:
            experiment = get_experiment_row(session, experiment_id)
            refuse_if_archived(experiment, "change its notes or tags")
            if description is not None:
                experiment.description = description.strip()
            if tags is not None:
                experiment.tags = normalize_tags(tags)
            session.flush()
            return experiment_record(session, experiment)

    def archive(self, experiment_id: int) -> ExperimentRecord:
        """Hide from the default list; refused while a run is waiting or training."""
        with self._library.transaction() as session:
            experiment = get_experiment_row(session, experiment_id)
            if experiment.status == ExperimentStatus.ARCHIVED:
                raise InvalidStateError(f"Experiment '{experiment.name}' is already archived.")
            active = session.scalar(
                select(func.count())
                .select_from(Run)
                .where(Run.experiment_id == experiment.id, Run.status.in_(RunStatus.ACTIVE))
            )
            if active:
                raise InvalidStateError(
                    f"Experiment '{experiment.name}' has a run waiting or training; "
                    "cancel it or let it finish before archiving."
                )
            experiment.status = ExperimentStatus.ARCHIVED
            session.flush()
            return experiment_record(session, experiment)

    def unarchive(self, experiment_id: int) -> ExperimentRecord:
        """Back to the default list as DRAFT."""
        with self._library.transaction() as session:
            experiment = get_experiment_row(session, experiment_id)
            if experiment.status != ExperimentStatus.ARCHIVED:
                raise InvalidStateError(f"Experiment '{experiment.name}' is not archived.")
            self._check_name_free(session, experiment.name, exclude_id=experiment.id)
            experiment.status = ExperimentStatus.DRAFT
            session.flush()
            return experiment_record(session, experiment)

    def start_refusal(self, experiment_id: int) -> str | None:
        """Why a run of this experiment cannot start now (the sentence to show), or None."""
        with self._library.transaction() as session:
            return start_refusal(get_experiment_row(session, experiment_id))

    def effective_config(self, experiment_id: int) -> TrainingConfig:
        return TrainingConfig.from_dict(self.get(experiment_id).config)

    @staticmethod
    def _check_dataset(session: Session, dataset_id: int | None) -> None:
        if dataset_id is not None and session.get(Dataset, dataset_id) is None:
            raise NotFoundError(f"Dataset {dataset_id} does not exist.")

    @staticmethod
    def _check_name_free(session: Session, name: str, exclude_id: int | None = None) -> None:
        clash = session.scalar(
            select(Experiment.id).where(
                Experiment.name == name,
                Experiment.status != ExperimentStatus.ARCHIVED,
                Experiment.id != (exclude_id or -1),
            )
        )
        if clash is not None:
            raise ValidationError(
                f"An experiment named '{name}' already exists; choose another name.",
                {"name": "already used"},
            )

