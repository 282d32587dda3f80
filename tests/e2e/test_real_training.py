"""End to end on the real worker and the tiny offline MusicGen: runner, then CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.interpreter import build_tiny_model, worker_environment
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings

pytestmark = pytest.mark.slow
MUSICLAB = str(Path(sys.executable).with_name("musiclab"))
TINY_RUN = {
    "segment_seconds": 2.0,
    "min_segment_seconds": 0.5,
    "batch_size": 2,
    "gradient_accumulation_steps": 1,
    "num_epochs": 2,
    "max_steps": 6,
    "log_every_steps": 1,
    "gradient_checkpointing": False,
    "device": "cpu",
    "precision": "fp32",
    "warmup_ratio": 0.0,
}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "tiny-musicgen"
    build_tiny_model(sys.executable, folder)
    return folder


def _load_adapter_elsewhere(model_dir: Path, adapter_dir: str) -> str:
    """Load base + adapter with peft in the training interpreter; returns its report."""
    script = textwrap.dedent(f"""
        from peft import PeftModel
        from transformers import MusicgenForConditionalGeneration
        base = MusicgenForConditionalGeneration.from_pretrained({str(model_dir)!r})
        model = PeftModel.from_pretrained(base, {adapter_dir!r})
        names = [n for n, _ in model.named_parameters() if "lora_" in n]
        assert names and all(".decoder.layers." in n for n in names), names[:3]
        print("loaded", len(names), "lora tensors")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300, env=worker_environment())
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_real_run_through_the_runner(library: Library, make_clips, tiny_model: Path,
                                     qtbot) -> None:
    dataset = library.datasets.import_folder(make_clips(count=6, seconds=2.5)).dataset
    experiment = library.experiments.create(
        "tiny", dataset_id=dataset.id, config={**TINY_RUN, "base_model": str(tiny_model)})
    run = library.runs.prepare_start(experiment.id)
    assert run.status == RunStatus.PENDING

    manager = RunManager(library, RunnerSettings())
    statuses: list[str] = []
    received = bytearray()
    points: list[tuple] = []
    finished: list[str] = []
    manager.runStatusChanged.connect(lambda _r, status: statuses.append(status))
    manager.logBytes.connect(lambda _r, data: received.extend(data))
    manager.metricPoints.connect(lambda _r, batch: points.extend(batch))
    manager.runFinished.connect(lambda _r, status: finished.append(status))
    manager.start(run)
    qtbot.waitUntil(lambda: bool(finished), timeout=300_000)

    done = library.runs.get(run.id)
    assert statuses == [RunStatus.RUNNING, RunStatus.COMPLETED], done.error
    # The stored log is byte for byte what arrived from the worker's stderr, tqdm's
    # carriage-return redraws and colour codes included.
    stored = library.telemetry.read_log(run.id)
    assert stored == bytes(received)
    assert b"\r" in stored and b"\x1b[" in stored and b"train" in stored
    steps = list(range(1, done.total_steps + 1))
    assert done.total_steps == 6 and done.current_step == 6
    series = library.telemetry.all_series(run.id)
    assert series["loss"].steps == steps and series["learning_rate"].steps == steps
    assert {p[1] for p in points} >= {"loss", "learning_rate"}

    adapter = library.adapters.get(done.adapter_id)
    assert adapter.name == "tiny-run-1" and adapter.run_id == run.id
    assert "loaded" in _load_adapter_elsewhere(tiny_model, adapter.path)
    assert library.experiments.get(experiment.id).best_run_id == run.id


def test_cli_demo_then_run_completes_offline(tmp_path: Path) -> None:
    env = {**os.environ, "MUSICLAB_DATA_DIR": str(tmp_path / "data"),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    began = time.monotonic()
    demo = subprocess.run([MUSICLAB, "demo"], capture_output=True, env=env, timeout=600)
    assert demo.returncode == 0, demo.stderr.decode()[-3000:]
    assert b"musiclab runs start 1 --wait" in demo.stdout
    demo_s = time.monotonic() - began
    again = subprocess.run([MUSICLAB, "demo"], capture_output=True, env=env, timeout=120)
    assert b"already exists" in again.stdout  # idempotent

    began = time.monotonic()
    run = subprocess.run([MUSICLAB, "runs", "start", "1", "--wait"], capture_output=True,
                         env=env, timeout=600)
    run_s = time.monotonic() - began
    assert run.returncode == 0, run.stderr.decode()[-3000:]
    assert run.stdout.decode().splitlines()[-1].startswith("Run 1 'run-1': COMPLETED")
    print(f"musiclab demo: {demo_s:.1f} s; musiclab runs start --wait: {run_s:.1f} s")
    library = Library.open(tmp_path / "data")
    try:
        assert library.telemetry.read_log(1) == run.stderr
    finally:
        library.close()
