"""What a sample looks like: its waveform envelope and a log-frequency spectrogram.

Plain numpy (soundfile decodes), no Qt: the Samples view computes these on a pool
thread and only draws the arrays. The spectrogram's cost is bounded by the number of
columns asked for, not by the clip's length: the frames are spread evenly over the
clip (one FFT per column), so a 30 s clip costs about what a 5 s one does.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from musiclab_desktop.core.errors import NotFoundError, ValidationError

FloatArray = npt.NDArray[np.float32]

N_FFT = 2048
LOWEST_HZ = 30.0
FLOOR_DB = -90.0  # silence, in dB below full scale
BLOCK_COLUMNS = 32


@dataclass(frozen=True)
class AudioClip:
    """Decoded audio: ``frames`` is (frames, channels) float32 in [-1, 1]."""

    frames: FloatArray
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.frames) / self.sample_rate if self.sample_rate else 0.0

    @property
    def channels(self) -> int:
        return int(self.frames.shape[1])

    def mono(self) -> FloatArray:
        mono: FloatArray = self.frames.mean(axis=1, dtype=np.float32)
        return mono

    @functools.cached_property
    def pcm16(self) -> bytes:
        """Interleaved signed 16-bit little-endian PCM, what an audio device takes
        (computed once: read it off the GUI thread before handing the clip to a player)."""
        return pcm16(self.frames)


def pcm16(frames: FloatArray) -> bytes:
    scaled = np.clip(frames, -1.0, 1.0) * 32767.0
    return scaled.astype("<i2").tobytes()


@dataclass(frozen=True)
class Envelope:
    """The waveform as one (min, max) pair per pixel column."""

    mins: FloatArray
    maxs: FloatArray


@dataclass(frozen=True)
class Spectrogram:
    """``db`` is (time columns, frequency bands) in dB; bands are log-spaced."""

    db: FloatArray
    band_hz: FloatArray  # centre frequency of each band
    seconds: float

    def band_of(self, hz: float) -> int:
        """The band whose range holds ``hz``."""
        return int(np.clip(np.searchsorted(self.band_edges, hz) - 1, 0, len(self.band_hz) - 1))

    @property
    def band_edges(self) -> FloatArray:
        """The bands' limits (one more than bands): geometric means of the centres."""
        ratio = float(np.sqrt(self.band_hz[1] / self.band_hz[0])) if len(self.band_hz) > 1 else 1.0
        return np.concatenate([self.band_hz / ratio, self.band_hz[-1:] * ratio])


@dataclass(frozen=True)
class AudioPicture:
    """Everything the Samples view draws of one WAV (and plays: ``clip``)."""

    clip: AudioClip
    envelope: Envelope
    spectrogram: Spectrogram


def load_audio(path: Path) -> AudioClip:
    """Decode ``path``; a missing or unreadable file is a typed error with one sentence."""
    import soundfile  # here: the window starts without libsndfile

    if not path.is_file():
        raise NotFoundError(f"The sample file {path.name} is missing.")
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:  # libsndfile raises RuntimeError or its own LibsndfileError
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise ValidationError(f"The sample file {path.name} cannot be read: {reason}") from exc
    if len(data) == 0:
        raise ValidationError(f"The sample file {path.name} holds no audio.")
    return AudioClip(np.ascontiguousarray(data), int(rate))


def envelope(clip: AudioClip, columns: int) -> Envelope:
    """Min and max of the mono mix over ``columns`` equal slices (fewer for tiny clips)."""
    mono = clip.mono()
    columns = max(1, min(columns, len(mono)))
    starts = np.linspace(0, len(mono), columns, endpoint=False).astype(np.intp)
    return Envelope(np.minimum.reduceat(mono, starts), np.maximum.reduceat(mono, starts))


def spectrogram(
    clip: AudioClip, columns: int = 400, bands: int = 96, n_fft: int = N_FFT
) -> Spectrogram:
    """Power over log-spaced bands from ``LOWEST_HZ`` to Nyquist, ``columns`` time steps."""
    mono = clip.mono()
    if len(mono) < n_fft:
        mono = np.pad(mono, (0, n_fft - len(mono)))
    starts = np.linspace(0, len(mono) - n_fft, max(1, columns)).astype(np.intp)
    window = np.hanning(n_fft).astype(np.float32)
    weights, centres = _band_weights(clip.sample_rate, n_fft, bands)
    offsets = np.arange(n_fft)[None, :]
    # A block of columns at a time: each numpy call stays short, so a GUI thread waiting
    # for the interpreter lock while this runs on a pool thread is not held up long.
    banded = np.concatenate(
        [
            (np.abs(np.fft.rfft(mono[block[:, None] + offsets] * window, axis=1)) ** 2).astype(
                np.float32
            )
            @ weights
            for block in np.array_split(starts, max(1, len(starts) // BLOCK_COLUMNS))
        ]
    )
    # Full scale: a sine of amplitude 1 through this window gives (sum(window) / 2)^2.
    full_scale = (np.hanning(n_fft).sum() / 2) ** 2
    db = 10 * np.log10(np.maximum(banded / full_scale, 10 ** (FLOOR_DB / 10)))
    return Spectrogram(db.astype(np.float32), centres, clip.seconds)


def _band_weights(rate: int, n_fft: int, bands: int) -> tuple[FloatArray, FloatArray]:
    """(FFT bins, bands) weights. Each bin stands for the interval of frequencies around
    it and gives each band the share of that interval inside the band; dividing by the
    band's width makes a band the mean power density over its range, so a tone lands in
    the band that holds its frequency, and the narrow low bands (narrower than a bin)
    are not left empty."""
    edges = np.geomspace(LOWEST_HZ, rate / 2, bands + 1)
    centres = np.sqrt(edges[:-1] * edges[1:]).astype(np.float32)
    bin_width = rate / n_fft
    bin_hz = np.arange(n_fft // 2 + 1) * bin_width
    low = np.maximum(bin_hz[:, None] - bin_width / 2, edges[None, :-1])
    high = np.minimum(bin_hz[:, None] + bin_width / 2, edges[None, 1:])
    overlap = np.clip(high - low, 0.0, None) / bin_width
    weights = overlap / (np.diff(edges) / bin_width)[None, :]
    return weights.astype(np.float32), centres


def picture(
    path: Path, columns: int = 600, spectrogram_columns: int = 400, bands: int = 96
) -> AudioPicture:
    """Decode ``path`` and compute what the view draws (call it off the GUI thread)."""
    clip = load_audio(path)
    return AudioPicture(
        clip, envelope(clip, columns), spectrogram(clip, spectrogram_columns, bands)
    )
