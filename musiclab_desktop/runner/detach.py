"""``musiclab runs start --detach``: hand a run to a background supervisor process.

The supervisor is ``musiclab runs supervise RUN_ID``: the same RunManager as in the
foreground, in a process of its own session that outlives the command, so logs,
metrics and the outcome are stored exactly as when the GUI trains.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.runner.install_location import is_frozen
from musiclab_desktop.runner.interpreter import worker_environment

SUPERVISOR_LOG = "supervisor.log"


def supervisor_command(data_dir: Path, run_id: int) -> list[str]:
    prefix = [sys.executable] if is_frozen() else [
        sys.executable, "-m", "musiclab_desktop.cli"]
    return [*prefix, "--data-dir", str(data_dir), "runs", "supervise", str(run_id)]


def start_detached(data_dir: Path, run: RunRecord) -> int:
    """Start the supervisor of ``run`` in the background; return its pid."""
    folder = Path(run.output_dir or data_dir)
    with (folder / SUPERVISOR_LOG).open("ab") as log:
        creationflags = 0
        start_new_session = False
        if sys.platform == "win32":
            creationflags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            start_new_session = True  # no SIGHUP when the terminal closes
        process = subprocess.Popen(
            supervisor_command(data_dir, run.id), stdin=subprocess.DEVNULL, stdout=log,
            stderr=log, close_fds=True, env=worker_environment(), cwd=folder,
            creationflags=creationflags, start_new_session=start_new_session,
        )
    return process.pid
