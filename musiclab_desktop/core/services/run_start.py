"""Preparing a run's start: the PENDING row, its folder, dataset export and run spec.

All or nothing (see :func:`prepare_start`); ``library.runs.prepare_start`` calls it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from musiclab_desktop.core.config import TrainingConfig, diff_override, merge_override
from musiclab_desktop.core.errors import InvalidStateError, ValidationError
from musiclab_desktop.core.folder_names import make_new_folder
from musiclab_desktop.core.models import Experiment, Run
from musiclab_desktop.core.protocol import DATASET_FILE, RUN_SPEC_FILE, RunSpec
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.services.datasets import export_for_run
from musiclab_desktop.core.services.experiments import start_refusal
from musiclab_desktop.core.services.rows import get_experiment_row
from musiclab_desktop.core.status import RunStatus

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library

# Short enough to read in a table and a terminal title; folder names are cut shorter.
RUN_NAME_MAX_LENGTH = 100
_DEFAULT_NAME = re.compile(r"^run-(\d+)$")


def next_default_name(session: Session, experiment_id: int) -> str:
    names = session.scalars(select(Run.name).where(Run.experiment_id == experiment_id)).all()
    numbers = [int(m.group(1)) for name in names if (m := _DEFAULT_NAME.match(name))]
    return f"run-{max(numbers, default=0) + 1}"


def prepare_start(
    library: Library,
    experiment_id: int,
    *,
    name: str | None = None,
    override: dict[str, Any] | None = None,
) -> RunRecord:
    """Create a PENDING run with its folder, dataset export and run spec.

    All or nothing: refused with nothing created when the experiment has no dataset,
    is archived, the name is taken or too long, or the override is invalid; and when
    a later step fails (the commit included) the new folder goes with the row.
    """
    folder: Path | None = None
    try:
        with library.transaction() as session:
            experiment = get_experiment_row(session, experiment_id)
            _check_can_start(experiment)
            effective = merge_override(experiment.config, override)
            run = Run(
                experiment_id=experiment.id,
                name=_choose_name(session, experiment.id, name),
                status=RunStatus.PENDING,
                config_override=diff_override(experiment.config, effective.to_dict()),
                effective_config=effective.to_dict(),
            )
            session.add(run)
            session.flush()
            folder = _new_run_folder(library, run.id)
            run.output_dir = str(folder)
            _write_run_folder(session, experiment, run, effective, folder)
            record = RunRecord.of(run)
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return record


def _new_run_folder(library: Library, run_id: int) -> Path:
    """``runs/<id>``, or a numbered variant when a leftover folder holds that name."""
    try:
        return make_new_folder(library.runs_dir, str(run_id))
    except OSError as exc:
        message = (f"Cannot create the run folder {library.runs_dir / str(run_id)}: "
                   f"{exc.strerror}.")
        raise InvalidStateError(message) from exc


def _check_can_start(experiment: Experiment) -> None:
    refusal = start_refusal(experiment)
    if refusal is not None:
        raise InvalidStateError(refusal)


def _choose_name(session: Session, experiment_id: int, name: str | None) -> str:
    if name is None or not name.strip():
        return next_default_name(session, experiment_id)
    name = name.strip()
    if len(name) > RUN_NAME_MAX_LENGTH:
        raise ValidationError(
            f"Run names are at most {RUN_NAME_MAX_LENGTH} characters; this one has "
            f"{len(name)}.",
            {"name": "too long"},
        )
    taken = session.scalar(
        select(Run.id).where(Run.experiment_id == experiment_id, Run.name == name)
    )
    if taken is not None:
        raise ValidationError(
            f"This experiment already has a run named '{name}'.", {"name": "already used"}
        )
    return name


def _write_run_folder(
    session: Session,
    experiment: Experiment,
    run: Run,
    effective: TrainingConfig,
    folder: Path,
) -> None:
    assert experiment.dataset_id is not None
    dataset_path = folder / DATASET_FILE
    # Leaves out clips shorter than this run's minimum, and says so in its log.
    export_for_run(session, run.id, experiment.dataset_id, dataset_path,
                   effective.min_segment_seconds, effective.caption_template)
    spec = RunSpec(
        run_id=run.id,
        run_name=run.name,
        experiment_id=experiment.id,
        experiment_name=experiment.name,
        config=effective.to_dict(),
        dataset_path=str(dataset_path),
        output_dir=str(folder),
    )
    try:
        spec.save(folder / RUN_SPEC_FILE)
    except OSError as exc:
        message = f"Cannot write the run spec in {folder}: {exc.strerror}."
        raise InvalidStateError(message) from exc
