"""The longest names train to the end through the runner (issue 11.6)."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.core.status import RunStatus

from runner_kit import Harness


def test_a_200_character_experiment_and_100_character_run_complete(harness: Harness) -> None:
    harness.library.experiments.update(harness.experiment_id, name="x" * 200)
    manager, seen = harness.manager("complete")
    run = harness.new_run("r" * 100)
    manager.start(run)
    assert harness.wait_finished(seen, run.id) == RunStatus.COMPLETED
    adapter = harness.library.adapters.list()[0]
    assert len(Path(adapter.path).name.encode()) <= 140
    assert Path(adapter.path, "adapter_config.json").is_file()
