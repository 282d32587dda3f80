"""Helpers of the remote-run tests: a tiny run's settings and a RunManager watcher."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.runner.manager import RunManager

TINY_RUN = {
    "segment_seconds": 2.0,
    "min_segment_seconds": 0.5,
    "batch_size": 2,
    "gradient_accumulation_steps": 1,
    "num_epochs": 2,
    "max_steps": 4,
    "log_every_steps": 1,
    "gradient_checkpointing": False,
    "device": "cpu",
    "precision": "fp32",
    "warmup_ratio": 0.0,
    "sample_enabled": False,
    "validation_split": 0.0,
}


class RunWatch:
    """Everything a manager says about its runs, collected."""

    def __init__(self, manager: RunManager, run_id: int) -> None:
        self.log = bytearray()
        self.points: list[tuple] = []
        self.phases: list[str] = []
        self.finished: list[str] = []
        self.statuses: list[str] = []
        mine = run_id
        manager.logBytes.connect(lambda r, data: r == mine and self.log.extend(data))
        manager.metricPoints.connect(lambda r, batch: r == mine and self.points.extend(batch))
        manager.phaseChanged.connect(
            lambda r, _p, message: r == mine and self.phases.append(message))
        manager.runFinished.connect(lambda r, status: r == mine and self.finished.append(status))
        manager.runStatusChanged.connect(
            lambda r, status: r == mine and self.statuses.append(status))


def ssh_readers_of(pid: int) -> list[int]:
    """The ssh client processes started by ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and command and command[0].endswith(b"ssh"):
            found.append(int(entry.name))
    return found
