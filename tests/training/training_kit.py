"""Helpers for the training worker tests: synthesized clips, run specs, worker runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import soundfile

from musiclab_desktop.core import protocol

E = TypeVar("E", bound=protocol.Event)

CLIP_RATE = 22_050  # not the model's 32 kHz, so every run exercises the resampler
CAPTIONS = (
    "calm low sine tone",
    "bright sine tone with tremolo",
    "high pulsing tone",
    "mellow two-note chord",
    "slow sweeping tone",
)


@dataclass
class WorkerResult:
    returncode: int
    events: list[protocol.Event]
    raw_events: list[str]
    terminal: str

    def of_type(self, kind: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, kind)]


def synth_clip(path: Path, index: int, seconds: float, stereo: bool = False) -> Path:
    """A tone whose pitch and tremolo depend on ``index``, so clips differ."""
    t = np.arange(int(CLIP_RATE * seconds)) / CLIP_RATE
    pitch = 110.0 * 2 ** (index / 3)
    tone = 0.4 * np.sin(2 * np.pi * pitch * t) * (1 + 0.5 * np.sin(2 * np.pi * (index + 1) * t))
    if index % 2:
        tone += 0.2 * np.sin(2 * np.pi * pitch * 1.5 * t)
    data = np.stack([tone, 0.7 * tone], axis=1) if stereo else tone
    soundfile.write(str(path), data.astype(np.float32), CLIP_RATE)
    return path


def write_dataset(folder: Path, count: int = 4, seconds: float = 2.5, corrupt: int = 0) -> Path:
    """Clips plus the JSONL the app exports; ``corrupt`` adds unreadable files."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for index in range(count):
        path = synth_clip(folder / f"clip-{index}.wav", index, seconds, stereo=index == 1)
        rows.append(_row(path, seconds, 2 if index == 1 else 1, CAPTIONS[index % len(CAPTIONS)]))
    for index in range(corrupt):
        path = folder / f"corrupt-{index}.wav"
        path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really audio")
        rows.append(_row(path, seconds, 1, "a broken file"))
    dataset = folder / protocol.DATASET_FILE
    dataset.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return dataset


def _row(path: Path, seconds: float, channels: int, caption: str) -> dict[str, Any]:
    return {
        "path": str(path),
        "duration": seconds,
        "sample_rate": CLIP_RATE,
        "channels": channels,
        "description": caption,
    }


def write_spec(run_dir: Path, dataset: Path, config: dict[str, Any]) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    spec = protocol.RunSpec(
        run_id=1,
        run_name="run-1",
        experiment_id=1,
        experiment_name="tiny",
        config=config,
        dataset_path=str(dataset),
        output_dir=str(run_dir / "output"),
    )
    path = run_dir / protocol.RUN_SPEC_FILE
    spec.save(path)
    return path


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra})
    return env


def parse_events(stdout: str) -> tuple[list[protocol.Event], list[str]]:
    lines = [line for line in stdout.splitlines() if line.strip()]
    events = [protocol.Event.from_json(line) for line in lines]
    return [event for event in events if event is not None], lines


def run_worker(spec: Path, timeout: float = 120, **env: str) -> WorkerResult:
    done = subprocess.run(
        [sys.executable, "-m", "musiclab_desktop.training", str(spec)],
        capture_output=True,
        timeout=timeout,
        env=worker_env(**env),
    )
    # Bytes, not text mode: universal newlines would turn tqdm's \r into \n.
    events, lines = parse_events(done.stdout.decode("utf-8"))
    return WorkerResult(done.returncode, events, lines, done.stderr.decode("utf-8", "replace"))


# Small enough for seconds on 2 CPU cores, large enough to cross epochs and accumulate.
FAST_CONFIG: dict[str, Any] = {
    "max_steps": 10,
    "num_epochs": 20,
    "batch_size": 2,
    "gradient_accumulation_steps": 1,
    "segment_seconds": 2.0,
    "min_segment_seconds": 1.0,
    "learning_rate": 3e-3,
    "log_every_steps": 1,
}
