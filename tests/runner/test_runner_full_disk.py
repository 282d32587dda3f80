"""A disk that fills up mid-run: the run's output is kept, the user is told once, and
everything is written (and the outcome applied) when there is room again."""

from __future__ import annotations

import pytest

from musiclab_desktop.core.errors import StorageError
from musiclab_desktop.core.services.telemetry import TelemetryService

from runner_kit import Harness


def test_output_waits_for_room_and_nothing_is_lost(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager, recorder = harness.manager("complete")
    problems: list[str] = []
    manager.storageProblem.connect(problems.append)
    disk_full = [True]
    real_append_log = TelemetryService.append_log

    def append_log(self: TelemetryService, run_id: int, chunks: list[bytes]) -> None:
        if disk_full[0]:
            raise StorageError("Cannot write to the data folder: the disk is full.")
        real_append_log(self, run_id, chunks)

    monkeypatch.setattr(TelemetryService, "append_log", append_log)
    run = harness.new_run()
    manager.start(run)
    harness.wait_until(lambda: manager.unsaved_run_ids() == [run.id])
    assert problems == ["Cannot write to the data folder: the disk is full."]
    assert recorder.final_status(run.id) is None
    assert harness.library.runs.get(run.id).status == "RUNNING"
    assert manager.has_active_runs()  # parked, not forgotten: closing would still ask

    disk_full[0] = False
    assert harness.wait_finished(recorder, run.id) == "COMPLETED"
    assert harness.library.telemetry.read_log(run.id) == bytes(recorder.log[run.id])
    assert not manager.has_active_runs()
