"""Importing dataset folders: captions from metadata or sidecars, problems reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from musiclab_desktop.core.audio_scan import seconds_text
from musiclab_desktop.core.errors import InvalidStateError, NotFoundError, ValidationError
from musiclab_desktop.core.library import Library

from shared_kit import write_tone


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


# --- metadata that cannot be read: one sentence naming the file and line ---------------

CSV_LIMIT = 131_072  # csv.field_size_limit()'s default


@pytest.mark.parametrize(("file_name", "content", "expected"), [
    ("metadata.csv", "file_name,text\ntone0.wav,café au lait\n".encode("latin-1"),
     "is not UTF-8 text"),
    ("metadata.csv", f"file_name,text\ntone0.wav,\"{'x' * (CSV_LIMIT + 10)}\"\n".encode(),
     "cannot be read as CSV"),
    ("metadata.jsonl", b'{"file_name": "tone0.wav", "text": "ok"}\n{"file_name": "tone1.wav",\n',
     "is not valid JSON"),
    ("metadata.jsonl", b'{"file_name": "tone0.wav", "text": "ok"}\n["tone1.wav", "a list"]\n',
     "is not a JSON object"),
])
def test_unreadable_metadata_is_a_validation_error_naming_file_and_line(
    library: Library, make_clips, file_name: str, content: bytes, expected: str
) -> None:
    folder = make_clips(count=2)
    (folder / "metadata.csv").unlink()
    (folder / file_name).write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        library.datasets.import_folder(folder, name="bad metadata")
    message = str(caught.value)
    assert f"{folder / file_name}, line 2: {expected}" in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert library.datasets.list() == []


# --- clips too short to train on ------------------------------------------------------

def test_a_clip_shorter_than_any_run_accepts_is_flagged_at_import_with_its_length(
    library: Library, make_clips
) -> None:
    folder = make_clips(count=2)
    write_tone(folder / "blip.wav", seconds=0.05)
    (folder / "blip.txt").write_text("a very short blip")
    report = library.datasets.import_folder(folder, name="with a blip")
    problems = dict(report.problems)
    assert problems["blip.wav"] == ("too short: 0.05 s is shorter than the minimum clip "
                                    "length of 0.1 s any run can train on")
    assert (report.dataset.clip_count, report.dataset.usable_count) == (3, 2)
    assert report.dataset.total_duration == pytest.approx(4.0)


def test_run_start_leaves_out_clips_under_the_runs_minimum_and_says_so(
    library: Library, make_clips
) -> None:
    folder = make_clips(count=2)
    write_tone(folder / "short.wav", seconds=0.5)
    (folder / "short.txt").write_text("half a second")
    dataset = library.datasets.import_folder(folder, name="mixed lengths").dataset
    assert dataset.usable_count == 3  # a run with a lower minimum can use it
    experiment = library.experiments.create("e", dataset_id=dataset.id)  # minimum 1 s

    run = library.runs.prepare_start(experiment.id)
    exported = (Path(run.output_dir) / "dataset.jsonl").read_text()
    assert "short.wav" not in exported and exported.count("\n") == 2
    notice = library.telemetry.read_log(run.id).decode()
    assert "1 clip(s) of the dataset left out" in notice
    assert ("short.wav: too short: 0.50 s is shorter than the minimum clip length of 1 s"
            in notice)

    lower = library.runs.prepare_start(experiment.id, override={"min_segment_seconds": 0.5})
    assert (Path(lower.output_dir) / "dataset.jsonl").read_text().count("\n") == 3
    assert library.telemetry.read_log(lower.id) == b""


def test_run_start_is_refused_with_the_reason_when_every_clip_is_too_short(
    library: Library, make_clips
) -> None:
    dataset = library.datasets.import_folder(make_clips(count=2, seconds=0.5)).dataset
    experiment = library.experiments.create("e", dataset_id=dataset.id)
    with pytest.raises(InvalidStateError, match=r"all 2 usable clip\(s\) are left out "
                       r"\(e\.g\. tone0\.wav: too short: 0\.50 s is shorter"):
        library.runs.prepare_start(experiment.id)
    assert library.runs.list(experiment.id) == []


@pytest.mark.parametrize(("seconds", "text"), [
    (0.05, "0.05"), (0.999, "0.99"), (0.004, "0.004"), (1.5, "1.50"), (12.36, "12.3"),
])
def test_clip_lengths_are_never_rounded_up(seconds: float, text: str) -> None:
    assert seconds_text(seconds) == text
