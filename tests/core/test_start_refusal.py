"""ExperimentService.start_refusal: why no run can start, as prepare_start would say it."""

from __future__ import annotations

import pytest

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.core.library import Library


def test_no_refusal_for_an_experiment_with_a_dataset(library: Library,
                                                      experiment_with_dataset) -> None:
    assert library.experiments.start_refusal(experiment_with_dataset.id) is None


def test_the_refusal_is_the_sentence_prepare_start_raises(library: Library,
                                                          experiment_with_dataset) -> None:
    bare = library.experiments.create("no data")
    library.experiments.archive(experiment_with_dataset.id)
    for experiment_id in (bare.id, experiment_with_dataset.id):
        refusal = library.experiments.start_refusal(experiment_id)
        assert refusal is not None
        with pytest.raises(InvalidStateError) as raised:
            library.runs.prepare_start(experiment_id)
        assert str(raised.value) == refusal
    assert "dataset is required" in library.experiments.start_refusal(bare.id)
    assert "archived" in library.experiments.start_refusal(experiment_with_dataset.id)
