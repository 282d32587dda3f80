"""Where a run on a target meets the RunManager: the follower stands in for the worker."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from musiclab_desktop.core.errors import InvalidStateError, MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import Event, PhaseEvent
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.runner.install_location import is_frozen
from musiclab_desktop.runner.targets.model import Target
from musiclab_desktop.runner.targets.run_state import TARGET_FILE, set_run_target

FOLLOW_MODULE = "musiclab_desktop.runner.targets.follow"
# A remote worker checkpoints, then its results come back over the network: the
# manager waits this long after a cancel before it kills the follower.
REMOTE_CANCEL_GRACE_S = 120.0


def assign_target(library: Library, run: RunRecord, target: Target | None) -> None:
    """Train the PENDING ``run`` on ``target`` (None: on this machine).

    The target's settings are written into the run folder, so the run trains with the
    settings it was started with whatever happens to the stored targets meanwhile.
    """
    folder = Path(run.output_dir or "")
    if target is not None:
        (folder / TARGET_FILE).write_text(json.dumps(target.to_dict()), encoding="utf-8")
    else:
        (folder / TARGET_FILE).unlink(missing_ok=True)
    set_run_target(library, run.id, target.name if target else None)


def follower_command(library: Library, run: RunRecord) -> list[str]:
    """The follower's command line; it names the run spec like a worker's does, so the
    reconciliation (runner/process_probe.py) recognises it as the run's worker."""
    spec = library.runs.spec_path(run)
    if not (spec.parent / TARGET_FILE).is_file():
        raise InvalidStateError(f"The run target '{run.target}' of this run has no settings in "
                                f"{spec.parent}; start the run again.")
    if is_frozen():  # the packaged app's executable runs its own commands, no modules
        return [sys.executable, "--data-dir", str(library.root), "targets", "follow", str(spec)]
    return [sys.executable, "-m", FOLLOW_MODULE, "--data-dir", str(library.root), str(spec)]


def start_on_target(library: Library, run: RunRecord, name: str | None) -> RunRecord:
    """Give the new PENDING ``run`` the stored target ``name`` (None or "local": this
    machine) and remember it as its experiment's last choice; the run afterwards.

    An unknown name deletes the new run again, so a typo leaves nothing behind.
    """
    from musiclab_desktop.runner.targets.model import LOCAL
    from musiclab_desktop.runner.targets.store import find_target, remember_target

    target = None
    if name and name != LOCAL:
        try:
            target = find_target(name)
        except MusiclabError:
            library.runs.cancel(run.id, "its run target does not exist")
            raise
    assign_target(library, run, target)
    remember_target(run.experiment_id, target.name if target else None)
    return library.runs.get(run.id)


def remote_runs_to_reattach(library: Library, *, held: list[int]) -> list[RunRecord]:
    """Active runs on a target whose owner and follower are both gone."""
    from musiclab_desktop.runner.reconcile import is_orphan
    from musiclab_desktop.runner.targets.run_state import awaits_reattach

    return [run for run in library.runs.list_active()
            if run.id not in held and awaits_reattach(run) and is_orphan(library, run)]


def marks_start(event: Event) -> bool:
    """Whether the follower's ``event`` says the run's worker has started on its target
    (before that the run shows as queued: staging, a scheduler's queue)."""
    from musiclab_desktop.runner.targets.follow import WAITING_PREFIXES

    return not (isinstance(event, PhaseEvent) and event.message.startswith(WAITING_PREFIXES))


def note_follower_pid(library: Library, run_id: int, pid: int) -> None:
    """Record the follower as the run's worker process while the run is still queued, so
    other processes see it alive (runner/reconcile.py) and can signal it (cancel)."""
    from musiclab_desktop.core.services.rows import get_run_row

    with library.transaction() as session:
        get_run_row(session, run_id).pid = pid
