"""Datasets from elsewhere: audiofolder metadata in sub-folders with extra columns, a
caption template, and audiocraft / audiofolder export and import round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from musiclab_desktop.core.errors import ValidationError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import DATASET_FILE

from shared_kit import write_tone


@pytest.fixture
def nested_folder(tmp_path: Path) -> Path:
    """Root metadata for one clip, each sub-folder with its own metadata file."""
    root = tmp_path / "songs"
    (root / "jazz").mkdir(parents=True)
    (root / "rock" / "live").mkdir(parents=True)
    write_tone(root / "intro.wav")
    write_tone(root / "jazz" / "a.wav", frequency=330)
    write_tone(root / "rock" / "live" / "b.wav", frequency=550)
    (root / "metadata.csv").write_text("file_name,text,mood\nintro.wav,an intro,calm\n")
    (root / "jazz" / "metadata.csv").write_text(
        "file_name,text,genre,bpm,key\na.wav,smoky trio,jazz,92,F minor\n"
    )
    (root / "rock" / "metadata.jsonl").write_text(
        json.dumps(
            {
                "file_name": "live/b.wav",
                "caption": "loud guitars",
                "genre": "rock",
                "bpm": 140,
                "moods": ["energetic", "raw"],
                "empty": None,
            }
        )
        + "\n"
    )
    return root


def captions_and_extras(library: Library, dataset_id: int) -> dict[str, tuple]:
    return {
        Path(item.file_name).name: (item.caption, item.extra)
        for item in library.datasets.items(dataset_id)
    }


def test_metadata_in_any_sub_folder_applies_to_that_folder(
    library: Library, nested_folder: Path
) -> None:
    report = library.datasets.import_folder(nested_folder)

    assert report.problems == []
    assert captions_and_extras(library, report.dataset.id) == {
        "intro.wav": ("an intro", {"mood": "calm"}),
        "a.wav": ("smoky trio", {"genre": "jazz", "bpm": "92", "key": "F minor"}),
        "b.wav": ("loud guitars", {"genre": "rock", "bpm": 140, "moods": ["energetic", "raw"]}),
    }


def test_a_caption_template_folds_metadata_into_the_run_captions(
    library: Library, nested_folder: Path
) -> None:
    dataset = library.datasets.import_folder(nested_folder).dataset
    experiment = library.experiments.create(
        "templated",
        dataset_id=dataset.id,
        config={"caption_template": "{text}, {genre}, {bpm} bpm, {moods}"},
    )

    run = library.runs.prepare_start(experiment.id)

    lines = (Path(run.output_dir) / DATASET_FILE).read_text().splitlines()
    captions = {Path(row["path"]).name: row["description"] for row in map(json.loads, lines)}
    assert captions == {
        "intro.wav": "an intro",
        "a.wav": "smoky trio, jazz, 92 bpm",
        "b.wav": "loud guitars, rock, 140 bpm, energetic, raw",
    }


def test_a_broken_template_is_refused_with_the_reason(library: Library) -> None:
    with pytest.raises(ValidationError, match="caption_template: is not a valid template"):
        library.experiments.create("t", config={"caption_template": "{text, {genre}"})
    with pytest.raises(ValidationError, match="may not carry a format"):
        library.experiments.create("t", config={"caption_template": "{bpm:.0f}"})


@pytest.mark.parametrize("fmt", ["audiocraft", "audiofolder"])
def test_export_then_import_gives_the_same_clips_captions_and_metadata(
    library: Library, nested_folder: Path, tmp_path: Path, fmt: str
) -> None:
    original = library.datasets.import_folder(nested_folder, name="original").dataset

    export = library.datasets.export(original.id, tmp_path / "out", fmt, valid_split=0.34)
    again = library.datasets.import_folder(export.folder, name="again").dataset

    assert export.counts == {"train": 2, "valid": 1}
    assert captions_and_extras(library, again.id) == captions_and_extras(library, original.id)
    assert again.total_duration == pytest.approx(original.total_duration)
    manifests = {
        "audiocraft": ["egs/train/data.jsonl", "egs/valid/data.jsonl"],
        "audiofolder": ["train/metadata.jsonl", "valid/metadata.jsonl"],
    }
    assert export.manifests == manifests[fmt]


def test_an_audiocraft_manifest_imports_with_its_sidecars(
    library: Library, nested_folder: Path, tmp_path: Path
) -> None:
    original = library.datasets.import_folder(nested_folder, name="original").dataset
    export = library.datasets.export(original.id, tmp_path / "out", "audiocraft", valid_split=0.34)
    manifest = export.folder / "egs" / "train" / "data.jsonl"
    row = json.loads(manifest.read_text().splitlines()[0])
    assert set(row) >= {"path", "duration", "sample_rate"}
    sidecar = json.loads(Path(row["path"]).with_suffix(".json").read_text())
    assert "description" in sidecar

    train = library.datasets.import_folder(manifest).dataset

    assert train.name == "train" and train.clip_count == 2
    items = library.datasets.items(train.id)
    expected = captions_and_extras(library, original.id)
    assert {Path(i.file_name).name: (i.caption, i.extra) for i in items} == {
        name: expected[name] for name in (Path(i.file_name).name for i in items)
    }


def test_a_relative_manifest_path_is_found_from_the_dataset_root(
    library: Library, tmp_path: Path
) -> None:
    root = tmp_path / "ac"
    (root / "egs").mkdir(parents=True)
    write_tone(root / "clip.wav")
    (root / "clip.json").write_text(
        json.dumps({"description": "a tone", "bpm": 100, "self_wav": None})
    )
    (root / "egs" / "data.jsonl").write_text(
        json.dumps({"path": "clip.wav", "duration": 2.0, "sample_rate": 16000}) + "\n"
    )

    dataset = library.datasets.import_folder(root / "egs" / "data.jsonl", name="rel").dataset

    (item,) = library.datasets.items(dataset.id)
    assert (item.caption, item.extra, item.usable) == ("a tone", {"bpm": 100}, True)


def test_export_refuses_a_folder_that_holds_files(
    library: Library, nested_folder: Path, tmp_path: Path
) -> None:
    dataset = library.datasets.import_folder(nested_folder).dataset
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")

    with pytest.raises(ValidationError, match="not an empty folder"):
        library.datasets.export(dataset.id, tmp_path / "busy", "audiofolder")
