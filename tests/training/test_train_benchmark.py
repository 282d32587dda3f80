"""The throughput benchmark still runs end to end (its figures are printed, not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from training_kit import worker_env

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "train_throughput.py"


def test_benchmark_prints_both_loops_and_their_ratio() -> None:
    command = [sys.executable, str(SCRIPT), "--steps", "1", "--warmup", "0", "--rounds", "1",
               "--seconds", "2", "--batch-size", "2"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, env=worker_env())

    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("bare ") for line in lines)
    assert any(line.startswith("worker ") for line in lines)
    assert any(line.startswith("ratio worker / bare: ") for line in lines)
