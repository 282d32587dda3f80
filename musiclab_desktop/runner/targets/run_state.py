"""A run's target and its remote state (runs.target, runs.remote_state).

The remote state says where the run lives on its target and how far the follower has
read: ``{"remote_run_dir", "pid" or "job_id", "terminal_offset", "events_offset",
"scheduler_state", "reason"}``. The follower keeps it in the run folder as well
(``remote_state.json``, written atomically) so a new follower continues from it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.services.rows import get_run_row

STATE_FILE = "remote_state.json"
TARGET_FILE = "target.json"


def set_run_target(library: Library, run_id: int, target: str | None) -> None:
    with library.transaction() as session:
        get_run_row(session, run_id).target = target or None


def store_remote_state(library: Library, run_id: int, state: dict[str, Any]) -> None:
    with library.transaction() as session:
        get_run_row(session, run_id).remote_state = dict(state)


def read_state_file(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state_file(folder: Path, state: dict[str, Any]) -> None:
    path = folder / STATE_FILE
    temporary = path.with_name(f"{STATE_FILE}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, path)


def load_remote_state(library: Library, run_id: int) -> dict[str, Any]:
    """The run's stored remote state ({} for a local run or one not started yet)."""
    with library.transaction() as session:
        return dict(get_run_row(session, run_id).remote_state or {})


def awaits_reattach(run: RunRecord) -> bool:
    """A run started on its target, whose follower may be gone: it trains on there."""
    if not run.target or not run.output_dir or not run.is_active:
        return False
    return bool(read_state_file(Path(run.output_dir)).get("launched"))
