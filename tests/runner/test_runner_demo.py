"""``musiclab demo``'s content (core/demo.py), with a stand-in for the tiny-model build."""

from __future__ import annotations

import shutil
from pathlib import Path

import soundfile

from musiclab_desktop.core.demo import DEMO_EXPERIMENT_NAME, create_demo, demo_model_dir
from musiclab_desktop.core.library import Library


def _fake_build(calls: list[Path]):
    def build(folder: Path) -> None:
        calls.append(folder)
        folder.mkdir(parents=True)
        (folder / "config.json").write_text("{}")

    return build


def test_demo_is_complete_and_idempotent(library: Library) -> None:
    calls: list[Path] = []
    first = create_demo(library, _fake_build(calls))
    assert len(first.created) == 3 and first.model_dir == demo_model_dir(library)
    assert (first.model_dir / "config.json").is_file() and calls[0].name.endswith(".partial")

    items = library.datasets.items(first.dataset.id)
    assert len(items) == 8 and all(item.usable for item in items)
    assert len({item.caption for item in items}) == 8
    assert all(2.0 <= item.duration <= 3.0 for item in items)
    signal, rate = soundfile.read(items[0].path)
    assert rate == 32_000 and 0.1 < abs(signal).max() <= 1.0

    experiment = first.experiment
    assert experiment.name == DEMO_EXPERIMENT_NAME and experiment.dataset_id == first.dataset.id
    assert experiment.config["base_model"] == str(first.model_dir)
    assert experiment.config["device"] == "cpu" and experiment.config["log_every_steps"] == 1
    library.runs.prepare_start(experiment.id)  # startable as it is

    second = create_demo(library, _fake_build(calls))
    assert second.created == [] and len(calls) == 1
    assert second.experiment.id == experiment.id and second.dataset.id == first.dataset.id


def test_demo_repairs_what_was_deleted(library: Library) -> None:
    calls: list[Path] = []
    first = create_demo(library, _fake_build(calls))
    shutil.rmtree(first.model_dir)
    shutil.rmtree(first.dataset.folder)
    again = create_demo(library, _fake_build(calls))
    assert len(calls) == 2 and (again.model_dir / "config.json").is_file()
    assert len(list(Path(again.dataset.folder).glob("*.wav"))) == 8
    assert again.experiment.id == first.experiment.id
