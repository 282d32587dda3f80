"""Sample WAVs for the screenshot scenes: what runs would have recorded while they
trained (a base reference, then steps), synthesized so each step sounds a little
different. Not used by the app itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord

RATE = 32_000
SECONDS = 6.0
STEPS = (0, 75, 150, 225, 300)


def _clip(prompt_index: int, step: int, run_id: int) -> np.ndarray:
    """Piano-like notes whose brightness and rhythm drift with the step."""
    t = np.arange(int(SECONDS * RATE)) / RATE
    rng = np.random.default_rng(run_id * 1000 + step * 10 + prompt_index)
    notes = 220.0 * 2 ** (rng.integers(0, 12, size=12) / 12) * (1 + prompt_index)
    beat = 0.5 - 0.05 * (step / 150)
    out = np.zeros_like(t)
    for number, frequency in enumerate(notes):
        start = number * beat
        local = np.clip(t - start, 0.0, None)
        envelope = np.where(t >= start, np.exp(-local * (3 + step / 100)), 0.0)
        for harmonic in range(1, 2 + step // 75):
            out += envelope * np.sin(2 * np.pi * frequency * harmonic * t) / harmonic**1.5
    out += 0.02 * rng.standard_normal(len(t)) * (1 + prompt_index)
    stereo = np.stack([out, np.roll(out, 200)], axis=1)
    return (0.8 * stereo / np.max(np.abs(stereo))).astype(np.float32)


def record_demo_samples(
    library: Library, run: RunRecord, prompts: list[str], steps: tuple[int, ...] = STEPS
) -> None:
    """Write and record the run's samples (an existing row is replaced)."""
    import soundfile

    assert run.output_dir is not None
    for step in steps:
        for index, prompt in enumerate(prompts):
            relative = f"samples/step-{step:06d}/sample-{index + 1:02d}.wav"
            path = Path(run.output_dir) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            soundfile.write(str(path), _clip(index, step, run.id), RATE, subtype="PCM_16")
            library.samples.record(
                run.id,
                step=step,
                prompt_index=index,
                prompt=prompt,
                seed=1234 + index,
                seconds=SECONDS,
                sample_rate=RATE,
                path=relative,
                reference=step == 0,
            )
