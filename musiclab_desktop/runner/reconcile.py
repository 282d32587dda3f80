"""Runs whose owner died: found and ended by whichever MusicLab process looks first.

A run is owned by the process that trains it (the window, ``musiclab runs start`` or
the ``--detach`` supervisor): it records its pid on the run when it takes the run and
refreshes the run's heartbeat every :data:`HEARTBEAT_S` seconds. Every process that
opens the data folder reconciles at once, and long-running ones (the window, ``runs
start``, the supervisor, ``runs logs --follow``) again every :data:`RECONCILE_S`
seconds. An active run's owner is gone when its pid no longer runs, or when its
heartbeat is older than :data:`STALE_S` (a hung owner, or its pid reused).

A run whose owner is gone and whose worker is gone too is ended here:

- COMPLETED with its adapter when the adapter was fully written (its
  ``musiclab_adapter.json`` exists: the worker writes it last), whatever else happened;
- CANCELLED ("stopped by user") when the user cancelled it;
- FAILED ("interrupted: ..."), saying what the worker did after its owner died.

A worker outlives its owner only briefly: it notices (training/owner_watch.py), writes
its terminal and events to files in the run folder instead of the dead pipes, stops
after its step with a checkpoint, and exits. Those files are stored here as the run's
log and metrics, before the outcome, so ``runs logs --follow`` shows them all.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path

from musiclab_desktop.core import protocol
from musiclab_desktop.core.errors import InvalidStateError, MusiclabError, NotFoundError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import (
    CancelledEvent,
    CompletedEvent,
    ErrorEvent,
    Event,
)
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.run_folder import finished_adapter
from musiclab_desktop.core.services.runs import INTERRUPTED_PENDING, INTERRUPTED_RUNNING
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.event_points import points_of, progress_of
from musiclab_desktop.runner.process_probe import is_worker_of, pid_alive
from musiclab_desktop.runner.sample_rows import record_samples, sample_events
from musiclab_desktop.runner.targets.run_state import awaits_reattach

HEARTBEAT_S = 5.0
RECONCILE_S = 5.0
STALE_S = 30.0
_LOG_CHUNK = 1 << 20
# The worker's last word, when it said one.
_FINAL_EVENTS = (CompletedEvent, CancelledEvent, ErrorEvent)


def owner_gone(run: RunRecord, now: datetime | None = None) -> bool:
    """Has the process that owns this active run died (or stopped answering)?"""
    now = now or datetime.now(UTC)
    stale = timedelta(seconds=STALE_S)
    if run.owner_pid is None:
        # PENDING: a start in progress in another process, not yet taken by its runner.
        # RUNNING: a run from a version that recorded no owner.
        return run.status != RunStatus.PENDING or now - run.created_at > stale
    if not pid_alive(run.owner_pid):
        return True
    return now - (run.owner_heartbeat_at or run.created_at) > stale


def worker_alive(library: Library, run: RunRecord) -> bool:
    return bool(run.pid and run.output_dir) and is_worker_of(
        run.pid, library.runs.spec_path(run))


def is_orphan(library: Library, run: RunRecord) -> bool:
    """An active run nobody will ever record an end for: owner and worker both gone."""
    return run.is_active and owner_gone(run) and not worker_alive(library, run)


def reconcile(library: Library, *, held: Collection[int] = (),
              cancelled: Collection[int] = ()) -> list[RunRecord]:
    """End every orphaned active run; ``held``: the caller's own runs (skipped),
    ``cancelled``: runs the user asked to cancel (they end CANCELLED, not FAILED)."""
    ended = []
    for run in library.runs.list_active():
        if run.id in held or not is_orphan(library, run) or awaits_reattach(run):
            continue  # (a run on a target trains on there: a window re-attaches it)
        record = end_orphan(library, run, user_cancelled=run.id in cancelled)
        if record is not None:
            ended.append(record)
    return ended


def reconcile_quietly(library: Library) -> list[RunRecord]:
    """:func:`reconcile` for a command that only reads: a data folder that cannot be
    written now (full, busy, read-only) must not stop it from reading."""
    try:
        return reconcile(library)
    except MusiclabError:
        return []


def end_orphan(library: Library, run: RunRecord, *, user_cancelled: bool) -> RunRecord | None:
    """Store what the worker wrote after its owner died, then record the end.

    None when another process recorded it first (or deleted the run).
    """
    folder = Path(run.output_dir) if run.output_dir else None
    try:
        last = _store_owner_gone_output(library, run, folder)
        adapter = finished_adapter(folder, run.id)
        if adapter is not None:
            return library.runs.complete(run.id, adapter_dir=adapter.path,
                                         final_loss=adapter.final_loss)
        if user_cancelled:
            return library.runs.cancel(run.id)
        return library.runs.fail(run.id, _interrupted_reason(run, last, folder))
    except (InvalidStateError, NotFoundError):
        return None


def _store_owner_gone_output(library: Library, run: RunRecord,
                             folder: Path | None) -> Event | None:
    """Store the owner-gone terminal and events as the run's log and metrics; the
    worker's last word (completed, cancelled or error), if it said one."""
    if folder is None:
        return None
    terminal = _take(folder / protocol.OWNER_GONE_TERMINAL_FILE)
    events = _take(folder / protocol.OWNER_GONE_EVENTS_FILE)
    if terminal:
        library.telemetry.append_log(run.id, [
            terminal[start:start + _LOG_CHUNK] for start in range(0, len(terminal), _LOG_CHUNK)])
    last = None
    points = []
    progress = None
    said = [event for line in (events or b"").splitlines()
            if (event := Event.from_json(line)) is not None]
    for event in said:
        points.extend(points_of(event))
        progress = progress_of(event) or progress
        if isinstance(event, _FINAL_EVENTS):
            last = event
    if points:
        library.telemetry.append_metrics(run.id, points)
    if progress is not None:
        library.runs.record_progress(run.id, progress[0], progress[1] or None)
    record_samples(library, run.id, sample_events(said))
    return last


def _take(path: Path) -> bytes | None:
    """Read and remove ``path``, atomically claimed first: when two processes reconcile
    the same run, only one of them stores its output."""
    taken = path.with_name(f"{path.name}.{os.getpid()}.taken")
    try:
        os.replace(path, taken)
    except FileNotFoundError:
        return None
    except OSError:
        return None  # e.g. a read-only folder: leave it for a process that can
    try:
        return taken.read_bytes()
    finally:
        taken.unlink(missing_ok=True)


def _interrupted_reason(run: RunRecord, last: Event | None, folder: Path | None) -> str:
    if run.status == RunStatus.PENDING:
        if run.owner_pid is None:
            return INTERRUPTED_PENDING
        return (f"interrupted: the process that owned this run (pid {run.owner_pid}) ended "
                "before the run started")
    owner = (f"the process that owned this run (pid {run.owner_pid})" if run.owner_pid
             else None)
    if isinstance(last, CancelledEvent):
        kept = last.checkpoint_dir
        reason = (f"interrupted: {owner or 'the application'} ended; training stopped after "
                  f"step {last.step}")
        reason += f" and kept a checkpoint in {kept}." if kept else " (no checkpoint kept)."
        if last.message:
            reason += f" {last.message}"
    elif isinstance(last, ErrorEvent):
        reason = (f"interrupted: {owner or 'the application'} ended, then training failed: "
                  f"{last.message}")
    elif owner is None:
        reason = INTERRUPTED_RUNNING
    else:
        reason = f"interrupted: {owner} ended while this run was training"
    if folder is not None and (folder / protocol.ADAPTER_DIR).is_dir():
        reason += (f" The adapter in {folder / protocol.ADAPTER_DIR} was not completely "
                   "written.")
    return reason
