"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.core.library import Library


def finish_run(library: Library, run_id: int, loss: float) -> None:
    """Drive a PENDING run to COMPLETED as the runner would after a worker succeeded."""
    run = library.runs.mark_running(run_id, pid=None)
    adapter = Path(run.output_dir) / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    library.runs.complete(run_id, adapter_dir=adapter, final_loss=loss)
