"""Reading samples for the views, off the GUI thread: the rows, each with the pictures
of its WAV or the sentence that says why there is none (missing, unreadable)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QImage

from musiclab_desktop.core.audio_view import (
    AudioClip,
    Envelope,
    Spectrogram,
    envelope,
    load_audio,
    spectrogram,
)
from musiclab_desktop.core.errors import MusiclabError, NotFoundError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import SampleRecord
from musiclab_desktop.ui.samples.thumbnails import spectrogram_thumbnail

THUMBNAIL_COLUMNS = 160
WAVEFORM_COLUMNS = 800
SPECTROGRAM_COLUMNS = 400


@dataclass(frozen=True)
class LoadedSample:
    """A sample row and what the view draws of it; ``problem`` when the WAV is unusable.
    The decoded audio itself is not kept (a run may have dozens of samples): playback
    decodes the one played again."""

    record: SampleRecord
    envelope: Envelope | None = None
    spectrogram: Spectrogram | None = None
    thumbnail: Envelope | None = None
    spectrogram_thumbnail: QImage | None = None
    problem: str | None = None
    modified_ns: int | None = None  # the WAV's mtime when it was drawn

    @property
    def drawn(self) -> bool:
        """Its pictures were computed (or its problem found); False for a row read alone."""
        return self.envelope is not None or self.problem is not None


def read_run_samples(
    library: Library,
    run_id: int,
    known: Mapping[int, LoadedSample] | None = None,
    draw: bool = True,
) -> list[LoadedSample]:
    """The run's samples with their pictures (decodes the WAVs: call it off the loop);
    with ``draw`` False, the rows alone (what the chart's glyphs need). Samples in
    ``known`` that were not recorded again keep their pictures: a run that records one
    more sample, or a rating, does not decode all the others again."""
    known = known or {}
    loaded = []
    for record in library.samples.list(run_id):
        before = known.get(record.id)
        if (
            before is not None
            and before.envelope is not None
            and (before.record.path, before.modified_ns) == (record.path, _modified_ns(record))
        ):
            loaded.append(dataclasses.replace(before, record=record))
        else:
            loaded.append(load_sample(record) if draw else LoadedSample(record))
    return loaded


def load_sample(record: SampleRecord) -> LoadedSample:
    modified = _modified_ns(record)
    try:
        clip = clip_of(record)
    except MusiclabError as exc:
        return LoadedSample(record, problem=str(exc))
    drawn = spectrogram(clip, SPECTROGRAM_COLUMNS)
    return LoadedSample(
        record,
        envelope(clip, WAVEFORM_COLUMNS),
        drawn,
        envelope(clip, THUMBNAIL_COLUMNS),
        spectrogram_thumbnail(drawn),
        modified_ns=modified,
    )


def _modified_ns(record: SampleRecord) -> int | None:
    try:
        return sample_file(record).stat().st_mtime_ns
    except (OSError, MusiclabError):
        return None


def clip_of(record: SampleRecord) -> AudioClip:
    """The sample decoded for playback."""
    return load_audio(sample_file(record))


def sample_file(record: SampleRecord) -> Path:
    file = record.file
    if file is None:
        raise NotFoundError("This run has no folder, so its sample files are gone.")
    return file
