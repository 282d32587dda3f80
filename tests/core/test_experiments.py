"""Experiment CRUD, archive/unarchive and the default list (SPEC: Experiment CRUD)."""

from __future__ import annotations

import pytest

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.errors import InvalidStateError, NotFoundError, ValidationError
from musiclab_desktop.core.library import Library


def test_create_without_config_stores_the_training_config_defaults(library: Library) -> None:
    record = library.experiments.create("first", description="  notes ")
    assert record.status == "DRAFT"
    assert record.description == "notes"
    assert record.config == TrainingConfig().to_dict()


def test_create_with_custom_config_keeps_values_and_fills_defaults(library: Library) -> None:
    record = library.experiments.create("custom", config={"lora_r": 32, "num_epochs": 10})
    stored = library.experiments.get(record.id).config
    assert stored["lora_r"] == 32 and stored["num_epochs"] == 10
    assert stored["learning_rate"] == TrainingConfig().learning_rate


def test_create_rejects_invalid_config_and_creates_nothing(library: Library) -> None:
    with pytest.raises(ValidationError) as caught:
        library.experiments.create("bad", config={"lora_r": 0})
    assert "lora_r" in caught.value.field_errors
    assert library.experiments.list(include_archived=True) == []


def test_names_are_unique_among_active_experiments(library: Library) -> None:
    first = library.experiments.create("same")
    with pytest.raises(ValidationError):
        library.experiments.create("same")
    library.experiments.archive(first.id)
    second = library.experiments.create("same")
    with pytest.raises(ValidationError):
        library.experiments.unarchive(first.id)
    assert library.experiments.get(second.id).status == "DRAFT"


def test_archive_sets_archived_and_hides_from_the_default_list(library: Library) -> None:
    kept = library.experiments.create("kept")
    gone = library.experiments.create("gone")
    archived = library.experiments.archive(gone.id)
    assert archived.status == "ARCHIVED" and archived.archived
    assert [e.id for e in library.experiments.list()] == [kept.id]


def test_list_with_archived_includes_them_marked_by_status(library: Library) -> None:
    library.experiments.create("kept")
    gone = library.experiments.create("gone")
    library.experiments.archive(gone.id)
    listed = {e.name: e.status for e in library.experiments.list(include_archived=True)}
    assert listed == {"kept": "DRAFT", "gone": "ARCHIVED"}


def test_unarchive_restores_draft_and_the_default_list(library: Library) -> None:
    record = library.experiments.create("back")
    library.experiments.archive(record.id)
    restored = library.experiments.unarchive(record.id)
    assert restored.status == "DRAFT"
    assert [e.id for e in library.experiments.list()] == [record.id]


def test_archive_is_refused_while_a_run_waits(library: Library, experiment_with_dataset) -> None:
    library.runs.prepare_start(experiment_with_dataset.id)
    with pytest.raises(InvalidStateError, match="cancel it or let it finish"):
        library.experiments.archive(experiment_with_dataset.id)


def test_unknown_experiment_is_not_found(library: Library) -> None:
    for call in (library.experiments.get, library.experiments.archive,
                 library.experiments.unarchive):
        with pytest.raises(NotFoundError):
            call(404)


def test_update_changes_name_description_dataset_and_config(
    library: Library, experiment_with_dataset
) -> None:
    updated = library.experiments.update(
        experiment_with_dataset.id, name="renamed", description="d", dataset_id=None,
        config={**experiment_with_dataset.config, "lora_alpha": 32},
    )
    assert (updated.name, updated.description, updated.dataset_id) == ("renamed", "d", None)
    assert updated.config["lora_alpha"] == 32


def test_search_filters_by_name(library: Library) -> None:
    library.experiments.create("piano loops")
    library.experiments.create("drum kit")
    assert [e.name for e in library.experiments.list(search="PIANO")] == ["piano loops"]
