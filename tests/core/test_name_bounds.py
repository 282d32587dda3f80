"""Names are bounded and folder names fit every platform whatever the names (issue 11.6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from musiclab_desktop.core.errors import ValidationError
from musiclab_desktop.core.folder_names import adapter_folder_name, slug
from musiclab_desktop.core.library import Library

from shared_kit import finish_run

# ext4, APFS and most file systems: 255 bytes per name; NTFS: 255 UTF-16 units.
NAME_LIMIT_BYTES = 255


def test_run_names_are_at_most_100_characters(
    library: Library, experiment_with_dataset
) -> None:
    assert len(library.runs.prepare_start(experiment_with_dataset.id, name="r" * 100).name) == 100
    for too_long in ("r" * 101, "r" * 10_000):
        with pytest.raises(ValidationError, match="Run names are at most 100 characters") as err:
            library.runs.prepare_start(experiment_with_dataset.id, name=too_long)
        assert err.value.field_errors == {"name": "too long"}
        assert len(str(err.value)) < 100
    assert len(library.runs.list(experiment_with_dataset.id)) == 1
    assert len(list(library.runs_dir.iterdir())) == 1


def test_experiment_names_are_at_most_200_characters(library: Library) -> None:
    library.experiments.create("e" * 200)
    with pytest.raises(ValidationError, match="at most 200 characters"):
        library.experiments.create("e" * 10_000)


@pytest.mark.parametrize("letter", ["a", "é", "音", "\U0001f3b5", "/", "."])
def test_longest_names_in_any_script_train_to_a_registered_adapter(
    library: Library, experiment_with_dataset, letter: str
) -> None:
    library.experiments.update(experiment_with_dataset.id, name=letter * 200)
    run = library.runs.prepare_start(experiment_with_dataset.id, name=letter * 100)
    finish_run(library, run.id, 1.0)

    adapter = library.adapters.get(library.runs.get(run.id).adapter_id)
    folder = Path(adapter.path)
    assert folder.parent == library.adapters_dir
    assert len(folder.name.encode()) <= 140 < NAME_LIMIT_BYTES
    assert (folder / "adapter_config.json").is_file()
    assert adapter.name == f"{letter * 200}-{letter * 100}"


def test_folder_names_are_portable_pieces_of_the_names() -> None:
    assert slug("Café Lo-Fi", "x") == "Cafe-Lo-Fi"
    assert slug("..", "run") == "run"
    assert slug("音楽", "experiment") == "experiment"
    assert adapter_folder_name("My exp", "run-1", 7) == "My-exp-run-1-7"
    assert adapter_folder_name("CON", "", 3) == "CON-run-3"


def test_dataset_names_are_at_most_200_characters(library: Library, make_clips) -> None:
    with pytest.raises(ValidationError, match="Dataset names are at most 200 characters"):
        library.datasets.import_folder(make_clips(), name="d" * 10_000)
    assert library.datasets.list() == []
