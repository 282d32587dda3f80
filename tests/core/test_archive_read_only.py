"""One archive rule (issue 11, item 15): an archived experiment is read-only until unarchived."""

from __future__ import annotations

from typing import Any

import pytest

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.core.library import Library

CHANGES: dict[str, dict[str, Any]] = {
    "config": {"config": {"lora_r": 32}},
    "dataset": {"dataset_id": None},
    "description": {"description": "changed"},
    "name": {"name": "renamed"},
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_to_an_archived_experiment_is_refused_with_a_sentence(
        library: Library, experiment_with_dataset, change: str) -> None:
    library.experiments.archive(experiment_with_dataset.id)
    before = library.experiments.get(experiment_with_dataset.id)
    with pytest.raises(InvalidStateError) as caught:
        library.experiments.update(experiment_with_dataset.id, **CHANGES[change])
    assert str(caught.value) == (
        "Experiment 'tones experiment' is archived; unarchive it to change it.")
    assert library.experiments.get(experiment_with_dataset.id) == before


def test_starting_a_run_on_an_archived_experiment_is_refused(
        library: Library, experiment_with_dataset) -> None:
    library.experiments.archive(experiment_with_dataset.id)
    with pytest.raises(InvalidStateError, match="archived; unarchive it"):
        library.runs.prepare_start(experiment_with_dataset.id)
    assert library.runs.list(experiment_with_dataset.id) == []


def test_an_unarchived_experiment_can_be_changed_again(
        library: Library, experiment_with_dataset) -> None:
    library.experiments.archive(experiment_with_dataset.id)
    library.experiments.unarchive(experiment_with_dataset.id)
    updated = library.experiments.update(experiment_with_dataset.id, config={"lora_r": 32})
    assert updated.config["lora_r"] == 32
