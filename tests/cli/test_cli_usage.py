"""The parser's promises: IDs checked, usage errors (exit 2), --json errors as JSON,
a closed stdout ending quietly, the internal command hidden, the README's examples real."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from musiclab_desktop.cli import EXIT_CLOSED_PIPE, UsageError, build_parser
from musiclab_desktop.core.library import Library

from cli_kit import MUSICLAB, json_error, musiclab

README = Path(__file__).parents[2] / "README.md"


@pytest.mark.parametrize("args", [
    ["experiments", "update", "1", "--dataset", "abc"],
    ["experiments", "create", "--name", "x", "--dataset", "0"],
    ["experiments", "show", "abc"],
    ["runs", "show", "0"],
    ["runs", "delete", "1", "2", "x"],
    ["runs", "logs", "-4"],
    ["datasets", "show", "1.5"],
    ["adapters", "list", "--experiment", "one"],
])
def test_every_id_argument_is_checked_by_the_parser(tmp_path: Path, args: list[str]) -> None:
    result = musiclab(tmp_path / "data", *args)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.startswith("usage: musiclab ")
    assert "expected an ID (a whole number from 1)" in stderr and "Traceback" not in stderr


def test_update_dataset_none_still_unlinks(library: Library, make_clips) -> None:
    dataset = library.datasets.import_folder(make_clips()).dataset
    experiment = library.experiments.create("e", dataset_id=dataset.id)
    root = library.root
    library.close()
    result = musiclab(root, "experiments", "update", str(experiment.id), "--dataset", "None",
                      "--json")
    assert result.returncode == 0, result.stderr
    assert Library.open(root).experiments.get(experiment.id).dataset_id is None


def test_errors_under_json_are_one_json_object_on_stderr(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert json_error(musiclab(data, "experiments", "show", "99", "--json")) == {
        "error": "Experiment 99 does not exist.", "kind": "not_found", "exit_code": 3}
    invalid = musiclab(data, "experiments", "create", "--name", "x", "--set", "lora_r=0",
                       "--set", "lora_dropout=2", "--json")
    assert invalid.returncode == 5
    document = json_error(invalid)
    assert (document["kind"], document["exit_code"]) == ("validation", 5)
    assert set(document["fields"]) == {"lora_r", "lora_dropout"}
    usage = musiclab(data, "runs", "show", "abc", "--json")
    assert usage.returncode == 2
    assert json_error(usage)["kind"] == "usage"
    assert "expected an ID" in json_error(usage)["error"]


def test_runs_logs_refuses_json_as_a_usage_error(tmp_path: Path) -> None:
    result = musiclab(tmp_path / "data", "runs", "logs", "1", "--json")
    assert result.returncode == 2
    error = json_error(result)
    assert error["kind"] == "usage" and "raw terminal output" in error["error"]


def test_wait_and_detach_together_is_a_usage_error(tmp_path: Path) -> None:
    result = musiclab(tmp_path / "data", "runs", "start", "1", "--wait", "--detach")
    assert result.returncode == 2
    assert b"--detach: not allowed with argument --wait" in result.stderr
    assert not (tmp_path / "data" / "runs").exists()  # refused before anything was made


def test_adapters_of_an_unknown_experiment_is_not_found(tmp_path: Path) -> None:
    result = musiclab(tmp_path / "data", "adapters", "list", "--experiment", "999")
    assert result.returncode == 3
    assert result.stderr.decode().strip() == "error: Experiment 999 does not exist."


def test_the_internal_supervise_command_is_hidden_but_works(tmp_path: Path) -> None:
    for args in (["--help"], ["runs", "--help"]):
        shown = musiclab(tmp_path / "data", *args)
        assert shown.returncode == 0 and b"supervise" not in shown.stdout
    assert musiclab(tmp_path / "data", "runs", "supervise", "9").returncode == 3


@pytest.mark.parametrize("command", [["experiments", "list"], ["runs", "logs", "1"]])
def test_a_closed_stdout_ends_quietly(library: Library, experiment_with_dataset,
                                      command: list[str]) -> None:
    for index in range(300):
        library.experiments.create(f"experiment {index:03d}")
    run = library.runs.prepare_start(experiment_with_dataset.id)
    assert run.id == 1  # the run the command names
    library.telemetry.append_log(run.id, [b"x" * 1023 + b"\n"] * 1024)  # 1 MB
    root = library.root
    library.close()
    # stdout's reader is gone before the command writes: every write hits a closed pipe.
    process = subprocess.Popen([MUSICLAB, "--data-dir", str(root), *command],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == EXIT_CLOSED_PIPE
    assert stderr == b""


def _readme_cli_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The command line"):]
    block = section[section.index("```bash") + len("```bash"):]
    block = block[:block.index("```")]
    lines = [re.split(r"\s+#", line)[0].strip() for line in block.splitlines()]
    return [line for line in lines if line.startswith("musiclab ")]


def test_every_readme_cli_example_is_a_real_command_line() -> None:
    examples = _readme_cli_examples()
    assert len(examples) >= 10
    parser = build_parser()
    for line in examples:
        words = [word for word in shlex.split(line)[1:] if word not in ("|", "less", "-R")]
        try:
            parser.parse_args(words)
        except UsageError as error:
            pytest.fail(f"README example {line!r}: {error}")


def test_readme_runs_delete_example_names_the_experiment_first() -> None:
    (line,) = [line for line in README.read_text().splitlines()
               if line.startswith("musiclab runs delete")]
    args = build_parser().parse_args(shlex.split(line.split("#")[0])[1:])
    assert (args.experiment_id, args.run_ids) == (1, [3, 4])
    assert "experiment 1" in line and "runs 3 and 4" in line
