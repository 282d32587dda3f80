"""Fixtures of the runner tests (the kit itself lives in runner_kit.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from musiclab_desktop.core.library import Library

from runner_kit import Harness


@pytest.fixture
def harness(library: Library, experiment_with_dataset, qtbot) -> Iterator[Harness]:
    kit = Harness(library, experiment_with_dataset.id, qtbot)
    yield kit
    for manager in kit.managers:
        if manager.has_active_runs():
            manager.shutdown(cancel_running=True, timeout_s=1.0)
