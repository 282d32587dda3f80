"""What a run's folder says about how its training ended, read without its owner.

Used when the process that owned a run died: the worker writes the adapter's
``musiclab_adapter.json`` last and atomically (training/saving.py), so an adapter
folder holding it is complete, whatever happened to the owner afterwards.
"""

from __future__ import annotations

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
