"""Never start over: resuming a stopped run from its checkpoint, continuing a finished one.

Resume keeps the run (same id): its status goes back to PENDING, its run spec names the
checkpoint to start from, the metric points the interrupted attempt logged after that
checkpoint are superseded (removed) and its terminal log gets a separator line. The
worker then trains exactly the steps that follow (training/worker.py).

Continue makes a new run whose parent is a completed one: it starts from the parent's
adapter weights with the parent's settings plus an override (more epochs, another
learning rate); a change of the adapter's shape cannot start from those weights.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from musiclab_desktop import __version__
from musiclab_desktop.core.checkpoints import (
    CheckpointInfo,
    dataset_file_fingerprint,
    latest_checkpoint,
)
from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.errors import InvalidStateError, ValidationError
from musiclab_desktop.core.metric_blocks import INSERT_BLOCK, pack_block, unpack_blocks
from musiclab_desktop.core.models import Adapter, Run, utcnow
from musiclab_desktop.core.protocol import DATASET_FILE, RUN_SPEC_FILE, RunSpec
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.services.datasets import export_dataset_jsonl
from musiclab_desktop.core.services.rows import get_experiment_row, get_run_row
from musiclab_desktop.core.services.status_rules import refresh_experiment_status
from musiclab_desktop.core.status import RunStatus

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library

RESUMABLE = (RunStatus.CANCELLED, RunStatus.FAILED)
# Settings that shape the adapter: a continued run must keep them to load its parent's.
ADAPTER_SHAPE = ("base_model", "lora_r", "lora_target_modules")
_FRESH_EXPORT = "dataset.resume.jsonl"


class ResumeChangedError(InvalidStateError):
    """The run's dataset or the application changed since the checkpoint: resuming
    needs the user's yes (``force``). ``changes`` says what changed, one phrase each."""

    def __init__(self, message: str, changes: list[str]) -> None:
        super().__init__(message)
        self.changes = changes


@dataclass(frozen=True)
class ResumePlan:
    """What a resume of a run would start from, and what changed since."""

    run: RunRecord
    checkpoint: CheckpointInfo
    changes: list[str]


def separator(step: int) -> bytes:
    """The line the terminal log gets between the interrupted attempt and the resumed one."""
    return f"\r\n\x1b[1m──── resumed from step {step} ────\x1b[0m\r\n".encode()


def resume_refusal(run: RunRecord) -> str | None:
    """Why ``run`` cannot be resumed (a sentence), or None when it can."""
    if run.status not in RESUMABLE:
        if run.status == RunStatus.COMPLETED:
            return (f"Run '{run.name}' completed; use Continue training to train it "
                    "further as a new run.")
        return f"Run '{run.name}' is {run.status}; only a cancelled or failed run can be resumed."
    if latest_checkpoint(run.output_dir) is None:
        return (f"Run '{run.name}' has no checkpoint to resume from: it stopped before "
                "its first checkpoint was written.")
    return None


def plan_resume(library: Library, run_id: int) -> ResumePlan:
    """Check that the run can be resumed and what changed since its checkpoint."""
    run = library.runs.get(run_id)
    refusal = resume_refusal(run)
    if refusal is not None:
        raise InvalidStateError(refusal)
    checkpoint = latest_checkpoint(run.output_dir)
    assert checkpoint is not None and run.output_dir
    changes = []
    if checkpoint.code_version and checkpoint.code_version != __version__:
        changes.append(f"MusicLab was updated (from {checkpoint.code_version} to "
                       f"{__version__})")
    fresh = _export_current_dataset(library, run)
    if (checkpoint.dataset_fingerprint
            and dataset_file_fingerprint(fresh) != checkpoint.dataset_fingerprint):
        changes.append("the dataset changed (clips added, removed, re-captioned or rewritten)")
    return ResumePlan(run, checkpoint, changes)


def prepare_resume(library: Library, run_id: int, *, force: bool = False) -> RunRecord:
    """Set the run up to continue from its latest checkpoint: PENDING, the run spec
    naming the checkpoint, later points superseded, a separator in its log.

    Refused (ResumeChangedError) when the dataset or the application changed since the
    checkpoint, unless ``force``; the run then trains on the dataset as it is now.
    """
    plan = plan_resume(library, run_id)
    folder = Path(plan.run.output_dir or "")
    fresh = folder / _FRESH_EXPORT
    if plan.changes and not force:
        fresh.unlink(missing_ok=True)
        step = plan.checkpoint.step
        raise ResumeChangedError(
            f"Since the checkpoint of step {step} of run '{plan.run.name}', "
            + " and ".join(plan.changes) + "; resuming trains the rest with things as "
            "they are now (use --force to resume anyway, or start a new run).",
            plan.changes,
        )
    if fresh.exists():
        if plan.changes:
            fresh.replace(folder / DATASET_FILE)
        else:
            fresh.unlink()
    step = plan.checkpoint.step
    with library.transaction() as session:
        run = get_run_row(session, run_id)
        if run.status not in RESUMABLE:  # resumed by another process meanwhile
            raise InvalidStateError(f"Run '{run.name}' is {run.status} now.")
        _rewrite_spec(folder, resume_from=str(plan.checkpoint.path))
        run.status = RunStatus.PENDING
        run.error = None
        run.finished_at = None
        run.pid = None
        # This process owns the run until a runner claims it: a reconcile elsewhere
        # must not take it for an orphan meanwhile.
        run.owner_pid = os.getpid()
        run.owner_heartbeat_at = utcnow()
        run.current_step = step
        run.resume_steps = [*(run.resume_steps or []), step]
        connection = session.connection()
        drop_points_after(connection, run_id, step)
        _append_log(connection, run_id, separator(step))
        session.flush()
        refresh_experiment_status(session, get_experiment_row(session, run.experiment_id))
        return RunRecord.of(run)


def prepare_continue(library: Library, run_id: int, override: dict[str, Any] | None = None,
                     *, name: str | None = None) -> RunRecord:
    """A new PENDING run that starts from the completed run's adapter weights, with its
    settings and ``override`` on top; its parent is that run."""
    parent = library.runs.get(run_id)
    if parent.status != RunStatus.COMPLETED or parent.adapter_id is None:
        raise InvalidStateError(
            f"Run '{parent.name}' is {parent.status}; only a completed run with an adapter "
            "can be continued (resume a cancelled or failed one instead).")
    with library.transaction() as session:
        adapter = session.get(Adapter, parent.adapter_id)
        adapter_path = Path(adapter.path) if adapter is not None else None
    if adapter_path is None or not adapter_path.is_dir():
        raise InvalidStateError(
            f"The adapter of run '{parent.name}' is no longer on disk ({adapter_path}).")
    settings = library.runs.effective_config(parent.id).to_dict()
    changed = [key for key in ADAPTER_SHAPE
               if override and key in override and override[key] != settings[key]]
    if changed:
        raise ValidationError(
            f"A continued run starts from its parent's adapter, so it keeps "
            f"{', '.join(changed)}; start a new run to change that.",
            {key: "must stay as in the parent run" for key in changed})
    merged = TrainingConfig.from_dict({**settings, **(override or {})}).to_dict()
    record = library.runs.prepare_start(parent.experiment_id, name=name, override=merged)
    try:
        _rewrite_spec(Path(record.output_dir or ""), init_adapter=str(adapter_path))
        with library.transaction() as session:
            run = get_run_row(session, record.id)
            run.parent_run_id = parent.id
            session.flush()
            return RunRecord.of(run)
    except BaseException:
        # Never leave a run that would train from scratch while claiming a parent.
        with contextlib.suppress(Exception):
            library.runs.cancel(record.id, "could not start from the parent run's adapter")
        raise


def lineage(library: Library, run_id: int) -> list[RunRecord]:
    """The run's ancestors, nearest first (a parent deleted since ends the chain)."""
    chain: list[RunRecord] = []
    seen = {run_id}
    current: int | None = library.runs.get(run_id).parent_run_id
    with library.transaction() as session:
        while current is not None and current not in seen:
            row = session.get(Run, current)
            if row is None:
                break
            chain.append(RunRecord.of(row))
            seen.add(current)
            current = row.parent_run_id
    return chain


def drop_points_after(connection: Any, run_id: int, step: int) -> None:
    """Remove the run's metric points after ``step``, and its validation points at
    ``step`` (a checkpoint precedes the evaluation that ends its epoch, so a resumed
    attempt evaluates that step again)."""
    rows = connection.exec_driver_sql(
        "SELECT id, name, step_data, value_data, wall_data FROM metric_blocks "
        "WHERE run_id = ?", (run_id,)).all()
    for block_id, name, steps_data, values_data, walls_data in rows:
        steps, values, walls = unpack_blocks([(steps_data, values_data, walls_data)])
        keep = _kept(name, step)(steps)
        if keep.all():
            continue
        connection.exec_driver_sql("DELETE FROM metric_blocks WHERE id = ?", (block_id,))
        if keep.any():
            blocks = pack_block(steps[keep].tolist(), values[keep].tolist(),
                                walls[keep].tolist())
            connection.execute(text(INSERT_BLOCK), [
                {"r": run_id, "n": name, **block.as_params()} for block in blocks])


def _kept(name: str, step: int) -> Callable[[Any], Any]:
    if name.startswith("eval"):
        return lambda steps: steps < step
    return lambda steps: steps <= step


def _append_log(connection: Any, run_id: int, data: bytes) -> None:
    last = connection.exec_driver_sql(
        "SELECT COALESCE(MAX(seq), -1) FROM run_log_chunks WHERE run_id = ?", (run_id,)
    ).scalar_one()
    connection.exec_driver_sql(
        "INSERT INTO run_log_chunks (run_id, seq, data) VALUES (?, ?, ?)",
        (run_id, last + 1, data))


def _rewrite_spec(folder: Path, **changes: str | None) -> None:
    path = folder / RUN_SPEC_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        spec = RunSpec(**{**data, **changes})
        spec.save(path)
    except (OSError, ValueError, TypeError) as exc:
        raise InvalidStateError(f"Cannot update the run spec {path}: {exc}.") from exc


def _export_current_dataset(library: Library, run: RunRecord) -> Path:
    """The experiment's dataset as a run would export it now (or the run's own export
    when the experiment has no dataset any more), to compare with the checkpoint's."""
    folder = Path(run.output_dir or "")
    fresh = folder / _FRESH_EXPORT
    config = library.runs.effective_config(run.id)
    with library.transaction() as session:
        experiment = get_experiment_row(session, run.experiment_id)
        if experiment.dataset_id is None:
            return folder / DATASET_FILE
        _export(session, experiment.dataset_id, fresh, config)
    return fresh


def _export(session: Session, dataset_id: int, destination: Path,
            config: TrainingConfig) -> None:
    template = getattr(config, "caption_template", "")
    export_dataset_jsonl(session, dataset_id, destination, config.min_segment_seconds,
                         template)
