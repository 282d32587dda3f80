"""Samples for the Samples-view tests: real WAV files and rows, and a player double.

The rows are written with ``library.samples.record`` exactly as the runner writes
them; the files are real WAVs (numpy + soundfile), so decoding and drawing are real.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.audio_view import AudioClip
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord, SampleRecord
from musiclab_desktop.ui.samples.player import PlaybackState, Player

RATE = 16_000
PROMPTS = ("calm piano", "fast drums")


def write_wav(
    path: Path, frequency: float, seconds: float = 1.0, rate: int = RATE, channels: int = 1
) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    mono = (0.4 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), np.stack([mono] * channels, axis=1), rate)
    return path


def add_sample(
    library: Library,
    run: RunRecord,
    step: int,
    prompt_index: int = 0,
    *,
    frequency: float | None = None,
    reference: bool = False,
    seconds: float = 1.0,
    seed: int | None = None,
) -> SampleRecord:
    """A real WAV under the run folder and its row; the tone rises with the step."""
    relative = f"samples/step-{step:06d}/sample-{prompt_index + 1:02d}.wav"
    assert run.output_dir is not None
    write_wav(
        Path(run.output_dir) / relative, frequency or 220.0 + step + 110 * prompt_index, seconds
    )
    sample_id = library.samples.record(
        run.id,
        step=step,
        prompt_index=prompt_index,
        prompt=PROMPTS[prompt_index],
        seed=seed if seed is not None else 1000 + prompt_index,
        seconds=seconds,
        sample_rate=RATE,
        path=relative,
        reference=reference,
    )
    return next(s for s in library.samples.list(run.id) if s.id == sample_id)


def add_training_samples(
    library: Library, run: RunRecord, steps: tuple[int, ...] = (10, 20), prompts: int = 2
) -> list[SampleRecord]:
    """A base reference at step 0, then each step, for each prompt."""
    made = [add_sample(library, run, 0, p, reference=True) for p in range(prompts)]
    for step in steps:
        made += [add_sample(library, run, step, p) for p in range(prompts)]
    return made


class FakePlayer(Player):
    """A player without a device: it records what the view asked and plays nothing.
    ``finish()`` stands for the device reaching the clip's end."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[object] = []
        self._position = 0.0

    def _load(self, clip: AudioClip) -> None:
        self.loaded.append(self.loaded_key())

    def _seek(self, seconds: float) -> None:
        self._position = seconds

    def _stop(self) -> None:
        self._position = 0.0

    def position(self) -> float:
        return self._position

    def finish(self) -> None:
        assert self.state() is PlaybackState.PLAYING
        self._stop()
        self._set_state(PlaybackState.STOPPED)
        self.finished.emit()


# Waits, not timed assertions: generous, since decoding runs on a pool thread that a
# busy machine (parallel training, a CI runner) may starve for seconds.
WAIT_MS = 30_000


def wait_until(qtbot: QtBot, condition: Callable[[], object], timeout: int = WAIT_MS) -> None:
    qtbot.waitUntil(condition, timeout=timeout)
