"""What a run's folder says about how its training ended, read without its owner.

Used when the process that owned a run died: the worker writes the adapter's
``musiclab_adapter.json`` last and atomically (training/saving.py), so an adapter
folder holding it is complete, whatever happened to the owner afterwards.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

from musiclab_desktop.core.protocol import ADAPTER_DIR, ADAPTER_INFO_FILE


@dataclass(frozen=True)
class FinishedAdapter:
    path: Path
    final_loss: float | None
    steps: int | None


def finished_adapter(run_dir: Path | None, run_id: int) -> FinishedAdapter | None:
    """The run's fully written adapter in ``run_dir/adapter``, or None."""
    if run_dir is None:
        return None
    folder = run_dir / ADAPTER_DIR
    try:
        info = json.loads((folder / ADAPTER_INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # absent, or written by something else than a finished save
    if not isinstance(info, dict) or info.get("run_id") not in (None, run_id):
        return None
    loss = info.get("final_loss")
    steps = info.get("steps")
    return FinishedAdapter(
        folder,
        float(loss) if isinstance(loss, int | float) else None,
        steps if isinstance(steps, int) else None,
    )


FAILURE_FILE = "failure.json"


def write_failure_kind(run_dir: Path | None, kind: str) -> None:
    """Keep why a run failed (the worker's error kind, e.g. model_unavailable) beside it.

    Best effort: the run's error sentence in the database is what matters; the kind
    lets ``runs show --json`` and ``runs start`` say which kind of failure it was.
    """
    if run_dir is None or not run_dir.is_dir():
        return
    # On a full or read-only disk the error text alone still tells the story.
    with contextlib.suppress(OSError):
        (run_dir / FAILURE_FILE).write_text(json.dumps({"kind": kind}), encoding="utf-8")


def failure_kind(run_dir: Path | None) -> str | None:
    """The kind :func:`write_failure_kind` kept, or None."""
    if run_dir is None:
        return None
    try:
        info = json.loads((run_dir / FAILURE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = info.get("kind") if isinstance(info, dict) else None
    return kind if isinstance(kind, str) else None
