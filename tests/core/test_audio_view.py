"""Waveform envelopes and spectrograms of real WAV files (numpy + soundfile, no Qt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from musiclab_desktop.core.audio_view import envelope, load_audio, picture, spectrogram
from musiclab_desktop.core.errors import NotFoundError, ValidationError


def tone(
    path: Path, frequency: float, seconds: float = 1.0, rate: int = 32_000, channels: int = 2
) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    mono = 0.5 * np.sin(2 * np.pi * frequency * t)
    soundfile.write(str(path), np.stack([mono] * channels, axis=1), rate)
    return path


@pytest.mark.parametrize("frequency", [440.0, 1000.0, 3000.0])
def test_a_tone_peaks_in_the_band_that_holds_its_frequency(
    tmp_path: Path, frequency: float
) -> None:
    clip = load_audio(tone(tmp_path / "tone.wav", frequency))
    result = spectrogram(clip, columns=50, bands=96)
    assert result.db.shape == (50, 96)
    peak = int(np.argmax(result.db.mean(axis=0)))
    assert peak == result.band_of(frequency)
    low, high = result.band_edges[peak], result.band_edges[peak + 1]
    assert low <= frequency < high
    # A sine of amplitude 0.5 is about -6 dB below full scale at its peak band... and
    # the bands far from it hold next to nothing.
    assert result.db.mean(axis=0)[peak] > -25
    assert result.db.mean(axis=0)[result.band_of(frequency * 4)] < -60


def test_the_envelope_has_one_min_and_max_per_column(tmp_path: Path) -> None:
    clip = load_audio(tone(tmp_path / "tone.wav", 440.0, seconds=0.5))
    assert clip.channels == 2 and clip.seconds == 0.5
    shape = envelope(clip, 200)
    assert len(shape.mins) == len(shape.maxs) == 200
    assert np.all(shape.mins <= shape.maxs)
    assert abs(float(shape.maxs.max()) - 0.5) < 1e-3
    assert abs(float(shape.mins.min()) + 0.5) < 1e-3
    # Fewer frames than columns: one column per frame.
    assert len(envelope(clip, 10**9).maxs) == len(clip.frames)


def test_a_thirty_second_clip_costs_the_columns_asked_for(tmp_path: Path) -> None:
    drawn = picture(tone(tmp_path / "long.wav", 440.0, seconds=30.0), 600, 400, 96)
    assert drawn.envelope.maxs.shape == (600,)
    assert drawn.spectrogram.db.shape == (400, 96)
    assert drawn.spectrogram.seconds == 30.0


def test_missing_empty_and_corrupt_files_are_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"The sample file gone\.wav is missing\."):
        load_audio(tmp_path / "gone.wav")
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(ValidationError, match=r"^The sample file corrupt\.wav cannot be read"):
        load_audio(corrupt)
    empty = tmp_path / "empty.wav"
    soundfile.write(str(empty), np.zeros((0, 1)), 16_000)
    with pytest.raises(ValidationError, match="holds no audio"):
        load_audio(empty)
