"""Acting on runs that another process trains (``musiclab runs cancel``, ``logs --follow``).

Between processes the database is the only shared channel, so these poll it; inside
one process the RunManager's signals are used instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.runner.process_probe import is_worker_of, terminate_pid

POLL_S = 0.25
# After SIGKILL, how long the owner gets to record the end before we do.
_OWNER_GRACE_S = 3.0


def cancel_from_outside(library: Library, run_id: int, grace_s: float) -> RunRecord:
    """Cancel a run whatever process trains it; returns the run once it has ended.

    A live worker gets SIGTERM and, after ``grace_s``, SIGKILL; its owner (the GUI or
    another command) records the end. A run with no live worker (queued elsewhere, or
    its owner died) is marked CANCELLED here.
    """
    run = library.runs.get(run_id)
    if run.is_terminal:
        raise InvalidStateError(f"Run '{run.name}' has already finished ({run.status}).")
    if not _worker_alive(library, run) or not terminate_pid(run.pid or 0):
        return library.runs.cancel(run_id)
    if _wait_terminal(library, run_id, grace_s):
        return library.runs.get(run_id)
    if _worker_alive(library, run):
        terminate_pid(run.pid or 0, force=True)
    if _wait_terminal(library, run_id, _OWNER_GRACE_S):
        return library.runs.get(run_id)
    return library.runs.cancel(run_id)  # nobody recorded it: the owner is gone


def _worker_alive(library: Library, run: RunRecord) -> bool:
    return bool(run.pid) and is_worker_of(run.pid, library.runs.spec_path(run))


def _wait_terminal(library: Library, run_id: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if library.runs.get(run_id).is_terminal:
            return True
        time.sleep(POLL_S)
    return library.runs.get(run_id).is_terminal


def follow_log(library: Library, run_id: int, write: Callable[[bytes], None],
               *, follow: bool = True, poll_s: float = POLL_S) -> RunRecord:
    """Write the stored log, then (``follow``) each new chunk until the run has ended.

    The owner stores every byte before it records the outcome, so reading once more
    after seeing a terminal status gets the whole log.
    """
    chunks = 0
    while True:
        run = library.runs.get(run_id)
        for chunk in library.telemetry.iter_log(run_id, first_chunk=chunks):
            write(chunk)
            chunks += 1
        if not follow or run.is_terminal:
            return run
        time.sleep(poll_s)
