"""What the CLI shows of names and datasets: escaped control characters, metadata errors
as one sentence (exit 5), and clips too short to train on listed with their length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library

from cli_kit import musiclab
from shared_kit import fake_interpreter, finish_run, write_tone

RED = "\x1b[31m"


def test_control_characters_in_names_are_shown_escaped(library: Library, tmp_path: Path,
                                                       make_clips) -> None:
    folder = make_clips(count=2)
    (folder / "metadata.csv").write_text(
        f"file_name,text\ntone0.wav,{RED}red caption\ntone1.wav,plain\n")
    dataset = library.datasets.import_folder(folder, name=f"{RED}set").dataset
    experiment = library.experiments.create(f"{RED}exp\nsecond line", dataset_id=dataset.id)
    run = library.runs.prepare_start(experiment.id, name=f"{RED}run")
    finish_run(library, run.id, 1.0)
    library.experiments.archive(experiment.id)
    root = library.root
    library.close()

    for args in (["experiments", "list", "--include-archived"],
                 ["experiments", "show", str(experiment.id)],
                 ["runs", "list", str(experiment.id)], ["runs", "show", str(run.id)],
                 ["datasets", "list"], ["datasets", "show", str(dataset.id)],
                 ["adapters", "list"]):
        result = musiclab(root, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert b"\x1b" not in result.stdout, args
        assert b"\\e[31m" in result.stdout, args
    assert b"\\e[31mexp\\nsecond line" in musiclab(root, "experiments", "show", "1").stdout
    assert b"\\e[31mred caption" in musiclab(root, "datasets", "show", "1").stdout
    refused = musiclab(root, "runs", "start", str(experiment.id))  # archived: an error
    assert refused.returncode == 4
    assert b"\x1b" not in refused.stderr and b"\\e[31mexp" in refused.stderr
    # JSON stays exact: the name comes back byte for byte.
    listed = json.loads(musiclab(root, "runs", "list", "1", "--json").stdout)
    assert listed[0]["name"] == f"{RED}run"


@pytest.mark.parametrize(("file_name", "content", "expected"), [
    ("metadata.csv", "file_name,text\ntone0.wav,café\n".encode("latin-1"),
     "metadata.csv, line 2: is not UTF-8 text; save the file as UTF-8."),
    ("metadata.jsonl", b'{"file_name": "tone0.wav", "text": "ok"}\n{"file_name": \n',
     "metadata.jsonl, line 2: is not valid JSON"),
    ("metadata.jsonl", b'["tone0.wav", "a list"]\n', "metadata.jsonl, line 1: is not a JSON "
                                                     "object with file_name and text."),
    ("metadata.csv", f"file_name,text\ntone0.wav,ok\ntone1.wav,{'x' * 140_000}\n".encode(),
     "metadata.csv, line 3: cannot be read as CSV: field larger than field limit"),
])
def test_unreadable_metadata_exits_5_with_the_file_and_line(
        tmp_path: Path, make_clips, file_name: str, content: bytes, expected: str) -> None:
    folder = make_clips(count=2)
    (folder / "metadata.csv").unlink()
    (folder / file_name).write_bytes(content)
    result = musiclab(tmp_path / "data", "datasets", "import", str(folder))
    assert result.returncode == 5
    (line,) = result.stderr.decode().splitlines()
    assert line.startswith(f"error: {folder}/") and expected in line


def test_a_clip_too_short_is_listed_at_import_and_shown_with_its_real_length(
        tmp_path: Path, make_clips) -> None:
    folder = make_clips(count=2)
    write_tone(folder / "blip.wav", seconds=0.05)
    (folder / "blip.txt").write_text("a blip")
    data = tmp_path / "data"
    result = musiclab(data, "datasets", "import", str(folder), "--name", "blips")
    assert result.returncode == 0, result.stderr
    assert (b"warning: blip.wav: too short: 0.05 s is shorter than the minimum clip length "
            b"of 0.1 s any run can train on") in result.stderr
    assert b"2 usable of 3 clips" in result.stdout
    shown = musiclab(data, "datasets", "show", "1").stdout.decode()
    (blip,) = [line for line in shown.splitlines() if line.startswith("blip.wav")]
    assert blip.split()[1] == "0.05"


def test_run_start_lists_the_clips_it_leaves_out(library: Library, tmp_path: Path,
                                                 make_clips) -> None:
    folder = make_clips(count=2)
    write_tone(folder / "short.wav", seconds=0.5)
    (folder / "short.txt").write_text("half a second")
    dataset = library.datasets.import_folder(folder, name="mixed").dataset
    experiment = library.experiments.create("e", dataset_id=dataset.id)
    root = library.root
    library.close()
    python = fake_interpreter(tmp_path, "complete")
    result = musiclab(root, "runs", "start", str(experiment.id), "--json",
                      MUSICLAB_TRAINING_PYTHON=str(python))
    assert result.returncode == 0, result.stderr
    stderr = result.stderr.decode()
    assert "warning: 1 clip(s) of the dataset left out of this run:" in stderr
    assert ("warning: short.wav: too short: 0.50 s is shorter than the minimum clip length "
            "of 1 s this run trains with (min_segment_seconds)") in stderr
    logs = musiclab(root, "runs", "logs", "1").stdout
    assert logs.startswith(b"musiclab: 1 clip(s) of the dataset left out of this run:\r\n")
