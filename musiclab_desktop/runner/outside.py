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
from musiclab_desktop.runner.process_probe import terminate_pid
from musiclab_desktop.runner.reconcile import end_orphan, is_orphan, owner_gone, worker_alive
from musiclab_desktop.runner.targets.run_state import awaits_reattach

POLL_S = 0.25
ORPHAN_CHECK_S = 1.0
# After SIGKILL, how long the owner gets to record the end before we do.
_OWNER_GRACE_S = 3.0


def cancel_from_outside(library: Library, run_id: int, grace_s: float) -> RunRecord:
    """Cancel a run whatever process trains it; returns the run once it has ended.

    A live worker gets SIGTERM and, after ``grace_s``, SIGKILL; its owner (the GUI or
    another command) records the end. A run queued in a live process is marked
    CANCELLED here. A run whose owner died is ended here once its worker has stopped:
    COMPLETED when its adapter was fully written, else CANCELLED (runner/reconcile.py).
    A run on a target that nobody follows any more is cancelled on the target too,
    and its checkpoint, log and metrics brought back (runner/targets/remote_cancel.py).
    """
    run = library.runs.get(run_id)
    if run.is_terminal:
        raise InvalidStateError(f"Run '{run.name}' has already finished ({run.status}).")
    if worker_alive(library, run) and terminate_pid(run.pid or 0):
        ended = _wait_end(library, run_id, grace_s)
        if ended is not None:
            return ended
        if worker_alive(library, run):
            terminate_pid(run.pid or 0, force=True)
        ended = _wait_end(library, run_id, _OWNER_GRACE_S)
        if ended is not None:
            return ended
    elif not owner_gone(run):
        return library.runs.cancel(run_id)  # queued in a live process: it will not start it
    # Nobody recorded the end: the owner is gone.
    if awaits_reattach(run) and not worker_alive(library, run):
        _cancel_on_its_target(library, run, grace_s)
    return end_orphan(library, run, user_cancelled=True) or library.runs.get(run_id)


def _cancel_on_its_target(library: Library, run: RunRecord, grace_s: float) -> None:
    """A run on a target that nobody follows trains on there: cancel it there too."""
    from musiclab_desktop.runner.targets.remote_cancel import cancel_on_target
    from musiclab_desktop.runner.targets.seam import REMOTE_CANCEL_GRACE_S

    # The worker checkpoints on a machine that may be slower to answer: wait as the
    # window waits for a followed remote run.
    grace_s = max(grace_s, REMOTE_CANCEL_GRACE_S)
    if not cancel_on_target(library, run, grace_s):
        raise InvalidStateError(
            f"Run '{run.name}' was told to stop on its run target '{run.target}' but is "
            f"still running there after {grace_s:.0f} s; cancel it again, or open the app "
            "to follow it until it stops.")


def _wait_end(library: Library, run_id: int, seconds: float) -> RunRecord | None:
    """The run once ended (by its owner, or here when its owner died); None on timeout."""
    deadline = time.monotonic() + seconds
    while True:
        run = library.runs.get(run_id)
        if run.is_terminal:
            return run
        if is_orphan(library, run):
            return end_orphan(library, run, user_cancelled=True) or library.runs.get(run_id)
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_S)


def follow_log(library: Library, run_id: int, write: Callable[[bytes], None],
               *, follow: bool = True, poll_s: float = POLL_S) -> RunRecord:
    """Write the stored log, then (``follow``) each new chunk until the run has ended.

    The owner stores every byte before it records the outcome, so reading once more
    after seeing a terminal status gets the whole log. A run whose owner died is
    ended here (every ``ORPHAN_CHECK_S``), so following never waits forever.
    """
    chunks = 0
    checked = time.monotonic()
    while True:
        run = library.runs.get(run_id)
        for chunk in library.telemetry.iter_log(run_id, first_chunk=chunks):
            write(chunk)
            chunks += 1
        if not follow or run.is_terminal:
            return run
        if time.monotonic() - checked >= ORPHAN_CHECK_S:
            # Its owner may have died: then nobody else would ever end it.
            checked = time.monotonic()
            if is_orphan(library, run):
                end_orphan(library, run, user_cancelled=False)
                continue  # read what that stored, then see the end
        time.sleep(poll_s)
