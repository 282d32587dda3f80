"""Importing dataset folders: captions from metadata or sidecars, problems reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from musiclab_desktop.core.errors import NotFoundError, ValidationError
from musiclab_desktop.core.library import Library

from tests_support import write_tone


def test_import_reads_headers_and_captions_from_every_source(
    library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    write_tone(folder / "a.wav", seconds=1.5, sample_rate=22_050)
    write_tone(folder / "b.flac", seconds=2.0, channels=2)
    write_tone(folder / "sub" / "c.ogg", seconds=1.0, sample_rate=32_000)
    (folder / "metadata.csv").write_text("file_name,text\na.wav,lofi piano\n")
    (folder / "metadata.jsonl").write_text('{"file_name": "sub/c.ogg", "text": "synth pad"}\n')
    (folder / "b.txt").write_text("ambient drone\n")
    report = library.datasets.import_folder(folder, name="mixed")
    assert report.problems == []
    assert (report.dataset.clip_count, report.dataset.usable_count) == (3, 3)
    items = {item.file_name: item for item in library.datasets.items(report.dataset.id)}
    assert items["a.wav"].sample_rate == 22_050 and items["a.wav"].duration == pytest.approx(1.5)
    assert items["b.flac"].channels == 2 and items["b.flac"].caption == "ambient drone"
    assert items["sub/c.ogg"].caption == "synth pad"


def test_a_corrupt_file_and_a_missing_caption_are_reported_and_the_rest_imported(
    library: Library, make_clips
) -> None:
    folder = make_clips(count=3)
    (folder / "broken.wav").write_bytes(b"RIFF\x00\x00junk")
    write_tone(folder / "nocaption.wav")
    report = library.datasets.import_folder(folder, name="with problems")
    problems = dict(report.problems)
    assert problems["broken.wav"].startswith("unreadable audio")
    assert problems["nocaption.wav"].startswith("no caption")
    assert (report.dataset.clip_count, report.dataset.usable_count) == (5, 3)
    experiment = library.experiments.create("e", dataset_id=report.dataset.id)
    run = library.runs.prepare_start(experiment.id)
    exported = (Path(run.output_dir) / "dataset.jsonl").read_text()
    assert "broken.wav" not in exported and "nocaption.wav" not in exported
    assert exported.count("\n") == 3


def test_missing_folder_and_folder_without_usable_clips_are_errors(
    library: Library, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        library.datasets.import_folder(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValidationError, match="No audio clips"):
        library.datasets.import_folder(empty)
    write_tone(empty / "x.wav")
    with pytest.raises(ValidationError, match="can be used"):
        library.datasets.import_folder(empty)
    assert library.datasets.list() == []


def test_dataset_names_are_unique(library: Library, make_clips) -> None:
    library.datasets.import_folder(make_clips("one"), name="same")
    with pytest.raises(ValidationError, match="already exists"):
        library.datasets.import_folder(make_clips("two"), name="same")


def test_unknown_dataset_is_not_found(library: Library) -> None:
    with pytest.raises(NotFoundError):
        library.datasets.get(7)
    with pytest.raises(NotFoundError):
        library.experiments.create("x", dataset_id=7)
