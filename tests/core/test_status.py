"""Run status as a type: each status is either active or terminal, and stored as before."""

from __future__ import annotations

from musiclab_desktop.core.status import ExperimentStatus, RunStatus


def test_active_and_terminal_split_the_run_statuses() -> None:
    assert set(RunStatus) == RunStatus.ACTIVE | RunStatus.TERMINAL
    assert not RunStatus.ACTIVE & RunStatus.TERMINAL
    assert RunStatus.ENDED_EARLY < RunStatus.TERMINAL


def test_stored_values_are_the_names() -> None:
    # The database stores these strings: a rename would need a migration.
    for status in [*RunStatus, *ExperimentStatus]:
        assert status.value == status.name
        assert f"{status}" == str(status) == status.value
    assert "RUNNING" in RunStatus.ACTIVE and RunStatus("CANCELLED") is RunStatus.CANCELLED
