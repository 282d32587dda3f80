"""SIGTERM finishes the step, writes a checkpoint, reports and exits EXIT_CANCELLED."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from musiclab_desktop.core import protocol

from training_kit import FAST_CONFIG, parse_events, worker_env, write_dataset, write_spec

pytestmark = pytest.mark.slow


def test_sigterm_cancels_with_a_checkpoint(tmp_path: Path, tiny_model_dir: Path) -> None:
    dataset = write_dataset(tmp_path / "clips", count=3)
    config = {**FAST_CONFIG, "base_model": str(tiny_model_dir), "max_steps": 100_000}
    spec = write_spec(tmp_path / "run", dataset, config)
    process = subprocess.Popen(
        [sys.executable, "-m", "musiclab_desktop.training", str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=worker_env(),
    )
    try:
        seen = []
        assert process.stdout is not None
        for line in process.stdout:  # wait until training is really under way
            seen.append(line.decode())
            if '"type": "metric"' in seen[-1]:
                break
        process.send_signal(signal.SIGTERM)
        rest, terminal = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()

    events, _ = parse_events("".join(seen) + rest.decode())
    assert process.returncode == protocol.EXIT_CANCELLED, terminal.decode()[-2000:]
    assert isinstance(events[-1], protocol.CancelledEvent)
    assert not [e for e in events
                if isinstance(e, protocol.CompletedEvent | protocol.ErrorEvent)]
    cancelled = events[-1]
    last_step = [e for e in events if isinstance(e, protocol.MetricEvent)][-1].step
    assert cancelled.step == last_step >= 1
    checkpoint = Path(cancelled.checkpoint_dir)
    assert checkpoint.parent == tmp_path / "run" / "output" / protocol.CHECKPOINTS_DIR
    assert (checkpoint / "adapter_model.safetensors").is_file()
    assert (checkpoint / "trainer_state.pt").is_file()
    assert b"cancelled" in terminal
