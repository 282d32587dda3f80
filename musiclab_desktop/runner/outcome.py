"""How a run whose worker process ended is recorded: completed, cancelled or failed.

The worker's last word (its ``completed``, ``cancelled`` or ``error`` event), the way
its process ended and why it was stopped decide it, in that order of trust: a fully
written adapter always wins, whatever happened after it was saved.
"""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.core import protocol
from musiclab_desktop.core.errors import InvalidStateError, MusiclabError, StorageError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.run_folder import finished_adapter
from musiclab_desktop.core.services.runs import INTERRUPTED_RUNNING, STOPPED_BY_USER
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.failure import describe_failure
from musiclab_desktop.runner.job import Ending, Job, StopReason


def record_outcome(library: Library, ending: Ending) -> RunStatus:
    """Record how the run of ``ending`` ended; its status afterwards.

    A StorageError (a full data folder) propagates: the caller keeps the ending and
    tries again when there is room.
    """
    job, runs = ending.job, library.runs
    try:
        if (job.completed is not None and ending.exit_code == protocol.EXIT_OK
                and not ending.crashed):
            return _complete(library, job)
        if finished_adapter(_folder(job.run), job.run_id) is not None:
            return _complete(library, job)  # e.g. killed while sampling: the weights are whole
        if job.stop is StopReason.APP_CLOSED:
            return runs.fail(job.run_id, INTERRUPTED_RUNNING).status
        if job.stop is StopReason.USER or _worker_cancelled(ending):
            return runs.cancel(job.run_id, _cancel_reason(job)).status
        reason = ending.start_error or describe_failure(
            exit_code=ending.exit_code, crashed=ending.crashed, error_event=job.error,
            terminal=job.tail.text(), python=job.python,
        )
        kind = str(job.error.kind) if job.error is not None else None
        return runs.fail(job.run_id, reason, kind).status
    except InvalidStateError:
        return runs.get(job.run_id).status  # another process finished it first


def _complete(library: Library, job: Job) -> RunStatus:
    if job.completed is not None:
        loss, adapter_dir = job.completed.final_loss, job.completed.adapter_dir
    else:
        adapter = finished_adapter(_folder(job.run), job.run_id)
        assert adapter is not None
        loss, adapter_dir = adapter.final_loss, str(adapter.path)
    try:
        record = library.runs.complete(job.run_id, adapter_dir=adapter_dir, final_loss=loss)
    except StorageError:
        raise  # not the adapter's fault: parked and tried again when there is room
    except (MusiclabError, OSError) as exc:
        message = f"Training finished but its adapter could not be registered: {exc}"
        return library.runs.fail(job.run_id, message).status
    return record.status


def _folder(run: RunRecord) -> Path | None:
    return Path(run.output_dir) if run.output_dir else None


def _cancel_reason(job: Job) -> str:
    # The worker says what it could not keep (an adapter never saved on a full disk).
    note = job.cancelled.message if job.cancelled is not None else None
    return f"{STOPPED_BY_USER}: {note}" if note else STOPPED_BY_USER


def _worker_cancelled(ending: Ending) -> bool:
    # SIGTERM from outside this app (e.g. `musiclab runs cancel` in a shell): the
    # worker stops politely and exits with its "cancelled" code.
    return ending.exit_code == protocol.EXIT_CANCELLED and not ending.crashed
