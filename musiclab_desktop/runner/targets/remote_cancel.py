"""Cancelling a run on its target when no follower follows it any more.

A remote run outlives the app that started it (runner/targets/follow.py leaves it
training when its owner dies) and waits for a window to re-attach. ``musiclab runs
cancel`` on such a run sends the cancel to the target itself (SIGTERM to the worker,
``scancel`` under SLURM), waits for the worker to checkpoint and stop, fetches the
adapter, samples and checkpoints, and leaves the terminal and events the worker wrote
since the follower left where runner/reconcile.py stores them (the owner-gone files)
before it records the end: nothing is lost and nothing is stored twice.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from musiclab_desktop.core import protocol
from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import EvalEvent, Event, MetricEvent
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.runner.targets import launching
from musiclab_desktop.runner.targets.follow import localize
from musiclab_desktop.runner.targets.model import Target
from musiclab_desktop.runner.targets.remote_scripts import EVENTS_FILE, TERMINAL_FILE
from musiclab_desktop.runner.targets.run_state import TARGET_FILE, read_state_file
from musiclab_desktop.runner.targets.ssh import run_remote


def cancel_on_target(library: Library, run: RunRecord, grace_s: float) -> bool:
    """Cancel the unfollowed remote ``run`` on its target and bring back what it kept;
    False when the worker had not stopped after ``grace_s`` (its results stay there)."""
    folder = Path(run.output_dir or "")
    try:
        target = Target.from_dict(json.loads((folder / TARGET_FILE).read_text("utf-8")))
    except (OSError, ValueError) as exc:
        raise InvalidStateError(f"Run '{run.name}' has no readable run target settings in "
                                f"{folder} ({exc}); cancel it on its target by hand.") from exc
    state = read_state_file(folder)
    remote_dir, job_id = str(state["remote_run_dir"]), state.get("job_id")
    launching.send_cancel(target, remote_dir, job_id)
    if not launching.wait_for_end(target, remote_dir, job_id, grace_s):
        return False
    launching.fetch_results(target, remote_dir, folder)
    _leave_unstored_output(library, run, target, remote_dir, folder)
    return True


def _leave_unstored_output(library: Library, run: RunRecord, target: Target,
                           remote_dir: str, folder: Path) -> None:
    """Write what the database lacks as the run folder's owner-gone files: the terminal
    from the stored log's length, the events without the metrics already stored."""
    stored = library.telemetry.log_size(run.id)
    terminal = _remote_bytes(target, f"tail -c +{stored + 1} {TERMINAL_FILE}", remote_dir)
    events = _remote_bytes(target, f"cat {EVENTS_FILE}", remote_dir)
    steps = [int(arrays.steps.max()) for arrays in
             library.telemetry.all_series_arrays(run.id).values() if len(arrays.steps)]
    kept = _unstored_events(events, max(steps) if steps else None)
    kept = localize(kept, remote_dir, str(folder))
    (folder / protocol.OWNER_GONE_TERMINAL_FILE).write_bytes(terminal)
    (folder / protocol.OWNER_GONE_EVENTS_FILE).write_bytes(kept)


def _remote_bytes(target: Target, command: str, remote_dir: str) -> bytes:
    result = run_remote(target, f"cd {shlex.quote(remote_dir)} && {command}")
    return result.stdout if result.code == 0 else b""


def _unstored_events(block: bytes, stored_through: int | None) -> bytes:
    """Every event line but the metric and eval events of steps already stored."""
    kept = []
    for line in block.splitlines(keepends=True):
        event = Event.from_json(line)
        step = getattr(event, "step", None)
        if (stored_through is not None and isinstance(event, MetricEvent | EvalEvent)
                and step is not None and step <= stored_through):
            continue
        kept.append(line)
    return b"".join(kept)
