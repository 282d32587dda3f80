"""The ``musiclab`` command run for real, in a subprocess, against a temporary data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.library import Library

from shared_kit import finish_run

MUSICLAB = str(Path(sys.executable).with_name("musiclab"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def musiclab(data_dir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "MUSICLAB_DATA_DIR": str(data_dir)}
    return subprocess.run([MUSICLAB, *args], capture_output=True, env=env, timeout=60)


def json_of(result: subprocess.CompletedProcess[bytes]):
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_experiment_lifecycle_and_archive_rules(data_dir: Path) -> None:
    created = json_of(musiclab(data_dir, "experiments", "create", "--name", "cli",
                               "--set", "lora_r=8", "--json"))
    assert created["status"] == "DRAFT" and created["config"]["lora_r"] == 8
    assert created["config"]["learning_rate"] == TrainingConfig().learning_rate
    exp_id = str(created["id"])
    assert json_of(musiclab(data_dir, "experiments", "archive", exp_id, "--json"))[
        "status"] == "ARCHIVED"
    assert json_of(musiclab(data_dir, "experiments", "list", "--json")) == []
    listed = json_of(musiclab(data_dir, "experiments", "list", "--include-archived", "--json"))
    assert [e["status"] for e in listed] == ["ARCHIVED"]
    assert json_of(musiclab(data_dir, "experiments", "unarchive", exp_id, "--json"))[
        "status"] == "DRAFT"
    assert len(json_of(musiclab(data_dir, "experiments", "list", "--json"))) == 1


def test_exit_codes_and_one_sentence_errors(data_dir: Path) -> None:
    missing = musiclab(data_dir, "experiments", "show", "99")
    assert missing.returncode == 3
    assert missing.stderr.decode().strip() == "error: Experiment 99 does not exist."
    invalid = musiclab(data_dir, "experiments", "create", "--name", "x", "--set", "lora_r=0")
    assert invalid.returncode == 5 and "lora_r" in invalid.stderr.decode()
    assert musiclab(data_dir, "experiments", "bogus").returncode == 2
    json_of(musiclab(data_dir, "experiments", "create", "--name", "nodata", "--json"))
    assert musiclab(data_dir, "runs", "delete", "1", "5").returncode == 3


def test_datasets_import_reports_problems_and_lists(data_dir: Path, make_clips) -> None:
    folder = make_clips(count=2)
    (folder / "bad.wav").write_bytes(b"not audio")
    result = musiclab(data_dir, "datasets", "import", str(folder), "--name", "tones", "--json")
    imported = json_of(result)
    assert imported["dataset"]["usable_count"] == 2
    assert imported["problems"][0]["file_name"] == "bad.wav"
    assert b"warning: bad.wav: unreadable audio" in result.stderr
    shown = json_of(musiclab(data_dir, "datasets", "show", "1", "--json"))
    assert len(shown["items"]) == 3
    assert [d["name"] for d in json_of(musiclab(data_dir, "datasets", "list", "--json"))] == [
        "tones"]


def test_runs_metrics_logs_and_delete_rules(data_dir: Path, make_clips) -> None:
    library = Library.open(data_dir)
    dataset = library.datasets.import_folder(make_clips(), name="tones").dataset
    experiment = library.experiments.create("e", dataset_id=dataset.id)
    done = library.runs.prepare_start(experiment.id)
    library.telemetry.append_log(done.id, [b"\x1b[32mok\x1b[0m\r", b"100%\n"])
    library.telemetry.append_metrics(done.id, [(1, "loss", 2.0, 1.0),
                                               (1, "learning_rate", 1e-4, 1.0)])
    finish_run(library, done.id, 2.0)
    waiting = library.runs.prepare_start(experiment.id)
    library.close()

    metrics = json_of(musiclab(data_dir, "runs", "metrics", str(done.id), "--json"))
    assert metrics["final_loss"] == 2.0 and metrics["adapter_id"] is not None
    assert metrics["metrics"]["loss"]["values"] == [2.0]
    assert set(metrics["metrics"]) == {"loss", "learning_rate"}
    logs = musiclab(data_dir, "runs", "logs", str(done.id))
    assert logs.stdout == b"\x1b[32mok\x1b[0m\r100%\n"
    refused = musiclab(data_dir, "runs", "delete", str(experiment.id), str(waiting.id))
    assert refused.returncode == 4 and b"PENDING" in refused.stderr
    deleted = json_of(musiclab(data_dir, "runs", "delete", str(experiment.id), str(done.id),
                               "--json"))
    assert deleted["deleted"] == 1
    adapters = json_of(musiclab(data_dir, "adapters", "list", "--json"))
    assert adapters[0]["name"] == "e-run-1" and adapters[0]["run_id"] is None


def test_config_defaults_lists_every_field_with_tooltip(data_dir: Path) -> None:
    fields = json_of(musiclab(data_dir, "config", "defaults", "--json"))
    assert {f["name"] for f in fields} == set(TrainingConfig().to_dict())
    assert all(f["tooltip"] and f["group"] in ("Training", "LoRA", "Hardware") for f in fields)


def test_data_dir_flag_wins_over_the_environment(tmp_path: Path) -> None:
    flag_dir = tmp_path / "flag"
    result = musiclab(tmp_path / "env", "--data-dir", str(flag_dir), "experiments", "list")
    assert result.returncode == 0
    assert (flag_dir / "musiclab.sqlite3").is_file()
    assert not (tmp_path / "env").exists()
