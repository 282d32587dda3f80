"""The worker whose owner is killed mid-training stops like a cancel, with a checkpoint,
and leaves its last output in the run folder for whoever reconciles the run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from musiclab_desktop.core import protocol
from musiclab_desktop.runner.process_probe import pid_alive

from training_kit import FAST_CONFIG, parse_events, worker_env, write_dataset, write_spec

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]

# An owner as the runner is one: it reads both pipes, and says when training is under way.
OWNER = textwrap.dedent("""
    import subprocess, sys, time
    worker = subprocess.Popen([sys.executable, "-m", "musiclab_desktop.training", sys.argv[1]],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    print(worker.pid, flush=True)
    for line in worker.stdout:
        if b'"type": "metric"' in line:
            print("training", flush=True)
            break
    time.sleep(600)
""")


def test_a_worker_whose_owner_is_killed_stops_with_a_checkpoint(
        tmp_path: Path, tiny_model_dir: Path) -> None:
    dataset = write_dataset(tmp_path / "clips", count=3)
    config = {**FAST_CONFIG, "base_model": str(tiny_model_dir), "max_steps": 100_000}
    spec = write_spec(tmp_path / "run", dataset, config)
    owner = subprocess.Popen([sys.executable, "-c", OWNER, str(spec)], stdout=subprocess.PIPE,
                             env=worker_env())
    assert owner.stdout is not None
    worker = int(owner.stdout.readline())
    try:
        assert owner.stdout.readline() == b"training\n"
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        deadline = time.monotonic() + 60
        while pid_alive(worker):
            assert time.monotonic() < deadline, "the worker went on without its owner"
            time.sleep(0.1)
    finally:
        if pid_alive(worker):
            subprocess.run(["kill", "-9", str(worker)], check=False)

    output = tmp_path / "run" / "output"
    events, _ = parse_events((output / protocol.OWNER_GONE_EVENTS_FILE).read_text())
    last = events[-1]
    assert (last.type, last.reason) == (protocol.CancelledEvent.type, "owner_gone")
    checkpoint = Path(last.checkpoint_dir)
    assert (checkpoint / "adapter_model.safetensors").is_file()
    assert json.loads((checkpoint / protocol.ADAPTER_INFO_FILE).read_text())["steps"] == (
        last.step)
    terminal = (output / protocol.OWNER_GONE_TERMINAL_FILE).read_text()
    assert "has ended: stopping after this step" in terminal
    assert f"Training cancelled after step {last.step}" in terminal
