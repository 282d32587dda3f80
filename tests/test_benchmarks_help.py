"""Every benchmark answers --help with its usage and runs nothing.

A benchmark given --help must not start measuring (core_scale.py used to ignore its
arguments and run for a minute): each is run with --help in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize("script", sorted(BENCHMARKS.glob("*.py")), ids=lambda path: path.stem)
def test_benchmark_help_prints_usage_and_runs_nothing(script: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    # The usage and nothing else: a benchmark that ran would print its figures.
    assert result.stdout.startswith("usage: "), result.stdout
    assert result.stdout.rstrip().endswith("See the module docstring for what is timed.")
