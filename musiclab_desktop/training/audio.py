"""Decode a clip into the model's sample rate and channel layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile
import soxr


def load_audio(path: Path, sample_rate: int, channels: int) -> np.ndarray:
    """The clip as float32 of shape (channels, samples) at ``sample_rate``.

    Mono models get the channel mean; stereo models keep two channels (a mono
    clip is duplicated, extra channels beyond two are dropped).
    """
    data, source_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    if channels == 1:
        data = data.mean(axis=1, keepdims=True)
    elif data.shape[1] == 1:
        data = np.repeat(data, 2, axis=1)
    else:
        data = data[:, :2]
    if source_rate != sample_rate and len(data):
        # soxr is a band-limited resampler: no aliasing from naive interpolation.
        data = soxr.resample(data, source_rate, sample_rate, quality="HQ")
    return np.ascontiguousarray(data.T, dtype=np.float32)
