"""Samples from the worker's events to the ``samples`` table, ``runs samples`` and the
adapter: through the live runner, through the owner-died replay, and a real demo run."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from musiclab_desktop.core import protocol
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import SampleEvent
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.reconcile import end_orphan

from runner_kit import MUSICLAB, Harness

# What the fake worker's "samples" mode says: (step, prompt index, reference).
FAKE_SAMPLES = [(0, 0, True), (0, 1, True), (2, 0, False), (3, 0, False), (3, 1, False)]


def test_the_runner_records_a_row_per_sample_as_it_arrives(harness: Harness) -> None:
    manager, recorder = harness.manager("samples")
    recorded: list[tuple[int, int]] = []
    manager.sampleRecorded.connect(lambda run_id, sample_id: recorded.append((run_id, sample_id)))
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(recorder, run.id) == RunStatus.COMPLETED

    rows = harness.library.samples.list(run.id)
    assert [(r.step, r.prompt_index, r.reference) for r in rows] == FAKE_SAMPLES
    assert sorted(recorded) == sorted((run.id, r.id) for r in rows)
    assert {r.prompt for r in rows} == {"calm piano", "loud \x1b[31mdrums"}
    assert [r.seed for r in rows] == [100, 101, 100, 100, 101]
    for row in rows:
        assert row.file is not None and row.file.is_file()
        assert row.file == Path(str(run.output_dir)) / row.path
        assert (row.sample_rate, row.seconds, row.rating) == (32000, 0.25, None)


def test_deleting_the_run_keeps_the_adapters_copies(harness: Harness) -> None:
    manager, recorder = harness.manager("samples")
    run = harness.new_run()
    manager.start(run)
    assert harness.wait_finished(recorder, run.id) == RunStatus.COMPLETED
    library = harness.library
    adapter_id = library.runs.get(run.id).adapter_id
    assert adapter_id is not None
    adapter = library.adapters.get(adapter_id)

    library.runs.delete_many(harness.experiment_id, [run.id])
    assert not Path(str(run.output_dir)).exists()
    assert library.samples.counts([run.id]) == {}
    copies = sorted(p.name for p in (Path(adapter.path) / protocol.SAMPLES_DIR).iterdir())
    assert copies == ["sample-01.wav", "sample-02.wav"]


def test_samples_said_after_the_owner_died_are_replayed_from_the_file(
        library: Library, experiment_with_dataset) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.mark_running(run.id, pid=None)
    folder = Path(str(run.output_dir))
    lines = [SampleEvent("calm", f"samples/step-{step:06d}/sample-01.wav", 1.0, step=step,
                         seed=9, sample_rate=32000, reference=step == 0).to_json()
             for step in (0, 5)]
    (folder / protocol.OWNER_GONE_EVENTS_FILE).write_text(
        "\n".join([*lines, "not an event", lines[1]]) + "\n", encoding="utf-8")

    assert end_orphan(library, library.runs.get(run.id), user_cancelled=False) is not None
    rows = library.samples.list(run.id)
    assert [(r.step, r.reference, r.seed) for r in rows] == [(0, True, 9), (5, False, 9)]


def _cli(library: Library, *args: str, fake: Path | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "MUSICLAB_DATA_DIR": str(library.root),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if fake is not None:
        env["MUSICLAB_TRAINING_PYTHON"] = str(fake)
    return subprocess.run([MUSICLAB, *args], env=env, capture_output=True, timeout=timeout)


def test_runs_samples_lists_them_and_runs_show_counts_them(cli, library: Library) -> None:
    started = cli("samples", "runs", "start", cli.experiment_id, "--wait")
    assert started.returncode == 0, started.stderr.decode()[-2000:]

    listed = cli("samples", "runs", "samples", "1", "--json")
    assert listed.returncode == 0, listed.stderr
    samples = json.loads(listed.stdout)
    assert [(s["step"], s["prompt_index"], s["reference"]) for s in samples] == FAKE_SAMPLES
    first = samples[0]
    assert first["path"] == "samples/step-000000/sample-01.wav" and first["exists"] is True
    assert Path(first["file"]) == library.runs_dir / "1" / first["path"]
    assert {"seed", "seconds", "sample_rate", "prompt", "rating", "id"} <= set(first)

    listing = cli("samples", "runs", "samples", "1")
    table = listing.stdout.decode()
    assert listing.returncode == 0, listing.stderr
    assert table.splitlines()[0].split() == ["STEP", "#", "PROMPT", "SEED", "SECONDS",
                                             "RATING", "FILE"]
    assert table.splitlines()[1].startswith("base")
    assert "\x1b" not in table and "\\e[31mdrums" in table  # escaped, never run

    (library.runs_dir / "1" / first["path"]).unlink()
    assert "(missing)" in cli("samples", "runs", "samples", "1").stdout.decode()

    shown = cli("samples", "runs", "show", "1").stdout.decode()
    assert "Samples:    5 (musiclab runs samples 1)" in shown
    assert json.loads(cli("samples", "runs", "show", "1", "--json").stdout)["sample_count"] == 5


def test_runs_samples_of_a_run_without_any_or_of_no_run(cli) -> None:
    assert cli("complete", "runs", "start", cli.experiment_id, "--wait").returncode == 0
    none = cli("complete", "runs", "samples", "1")
    assert none.returncode == 0 and none.stdout.decode().strip() == "No samples."
    assert json.loads(cli("complete", "runs", "samples", "1", "--json").stdout) == []
    missing = cli("complete", "runs", "samples", "99", "--json")
    assert missing.returncode not in (0, 1, 2) and b"Traceback" not in missing.stderr
    assert "99" in json.loads(missing.stdout or missing.stderr)["error"]


@pytest.mark.slow
def test_a_demo_run_with_nothing_touched_leaves_samples_to_listen_to(library: Library) -> None:
    assert _cli(library, "demo", timeout=600).returncode == 0
    run = _cli(library, "runs", "start", "1", "--wait", timeout=600)
    assert run.returncode == 0, run.stderr.decode()[-3000:]

    samples = json.loads(_cli(library, "runs", "samples", "1", "--json").stdout)
    steps = sorted({s["step"] for s in samples})
    assert len(steps) >= 3 and steps[0] == 0  # the base, during training, the end
    for step in steps:
        at = [s for s in samples if s["step"] == step]
        assert [s["prompt_index"] for s in at] == [0, 1]
        assert all(s["reference"] == (step == 0) for s in at)
    assert len({(s["prompt_index"], s["seed"]) for s in samples}) == 2  # a seed per prompt
    for sample in samples:
        audio, rate = soundfile.read(sample["file"])
        assert rate == sample["sample_rate"] and np.sqrt(np.mean(audio**2)) > 1e-3

    adapter = Path(library.adapters.list()[0].path)
    assert _cli(library, "runs", "delete", "1", "1").returncode == 0
    assert not Path(samples[0]["file"]).exists()
    copies = sorted((adapter / protocol.SAMPLES_DIR).glob("*.wav"))
    assert len(copies) == 2 and all(soundfile.info(str(p)).duration > 0.5 for p in copies)
    assert all(s["prompt"] in (adapter / "README.md").read_text() for s in samples)
