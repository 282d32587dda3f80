"""``runs show`` and ``adapters list`` say what a run trained with (issue 11.5), and run
names are bounded (issue 11.6): the real ``musiclab`` command, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from musiclab_desktop.core.library import Library

from shared_kit import finish_run

MUSICLAB = str(Path(sys.executable).with_name("musiclab"))


def musiclab(data_dir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "MUSICLAB_DATA_DIR": str(data_dir)}
    return subprocess.run([MUSICLAB, *args], capture_output=True, env=env, timeout=60)


def test_show_and_adapters_list_report_the_settings_a_run_trained_with(
    tmp_path: Path, make_clips
) -> None:
    data_dir = tmp_path / "data"
    library = Library.open(data_dir)
    dataset = library.datasets.import_folder(make_clips(), name="tones").dataset
    experiment = library.experiments.create("e", dataset_id=dataset.id, config={"lora_r": 4})
    run = library.runs.prepare_start(experiment.id)
    library.experiments.update(experiment.id, config={**experiment.config, "lora_r": 64})
    finish_run(library, run.id, 1.0)
    library.close()

    shown = musiclab(data_dir, "runs", "show", str(run.id), "--json")
    assert shown.returncode == 0, shown.stderr.decode()
    assert json.loads(shown.stdout)["effective_config"]["lora_r"] == 4
    human = musiclab(data_dir, "runs", "show", str(run.id)).stdout.decode()
    assert "lora_r = 4" in human
    adapters = json.loads(musiclab(data_dir, "adapters", "list", "--json").stdout)
    assert [adapter["lora_r"] for adapter in adapters] == [4]


def test_a_ten_thousand_character_run_name_is_refused(tmp_path: Path, make_clips) -> None:
    data_dir = tmp_path / "data"
    library = Library.open(data_dir)
    dataset = library.datasets.import_folder(make_clips(), name="tones").dataset
    experiment = library.experiments.create("e", dataset_id=dataset.id)
    library.close()

    refused = musiclab(data_dir, "runs", "start", str(experiment.id), "--name", "n" * 10_000)
    assert refused.returncode == 5
    assert "Run names are at most 100 characters" in refused.stderr.decode()
    assert len(refused.stderr) < 200
    assert list((data_dir / "runs").iterdir()) == []
