"""torchrun with 2 CPU processes (gloo) trains the tiny model along the same loss curve
as one process with the same global batch (training/distributed.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from musiclab_desktop.core import protocol

from training_kit import (
    FAST_CONFIG,
    WorkerResult,
    parse_events,
    run_worker,
    worker_env,
    write_dataset,
    write_spec,
)

pytestmark = pytest.mark.slow
# float32 sums in another order (per rank, then across ranks): the curves agree to
# about 1e-7 relative (1.2e-7 measured over 6 steps). 1e-4 leaves room and still
# catches ranks that do not pool their gradients (each training on its half of the
# batch). AdamW is blind to a constant gradient scale, so summing versus averaging
# the ranks' gradients is not what this tells apart.
TOLERANCE = 1e-4


def _torchrun(spec: Path) -> WorkerResult:
    done = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
         "-m", "musiclab_desktop.training", str(spec)],
        capture_output=True, timeout=400, env=worker_env(OMP_NUM_THREADS="1"))
    events, lines = parse_events(done.stdout.decode("utf-8"))
    return WorkerResult(done.returncode, events, lines, done.stderr.decode("utf-8", "replace"))


def _losses(result: WorkerResult) -> list[tuple[int, float]]:
    return [(e.step, e.values["loss"]) for e in result.of_type(protocol.MetricEvent)
            if e.values.get("loss") is not None]


def test_two_processes_follow_the_single_process_loss_curve(
        tiny_model_dir: Path, tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path / "clips", count=4, seconds=2.5)
    config = {**FAST_CONFIG, "base_model": str(tiny_model_dir), "max_steps": 6,
              "batch_size": 4, "lora_dropout": 0.0, "sample_enabled": False,
              "device": "cpu", "precision": "fp32"}
    single = run_worker(write_spec(tmp_path / "one", dataset, config), timeout=400,
                        OMP_NUM_THREADS="1")
    assert single.returncode == protocol.EXIT_OK, single.terminal[-3000:]
    pair = _torchrun(write_spec(tmp_path / "two", dataset, config))
    assert pair.returncode == protocol.EXIT_OK, pair.terminal[-3000:]

    one, two = _losses(single), _losses(pair)
    assert [s for s, _ in one] == [s for s, _ in two] == list(range(1, 7))
    assert [v for _, v in two] == pytest.approx([v for _, v in one], rel=TOLERANCE)
    # Rank 0 alone speaks and saves: one completed event, one adapter.
    assert len(pair.of_type(protocol.CompletedEvent)) == 1
    assert (tmp_path / "two" / "output" / protocol.ADAPTER_DIR).is_dir()
