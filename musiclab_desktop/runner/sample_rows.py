"""Sample events as rows of the ``samples`` table (one per sample the worker wrote)."""

from __future__ import annotations

from collections.abc import Iterable

from musiclab_desktop.core.errors import MusiclabError, StorageError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import Event, SampleEvent


def sample_events(events: Iterable[Event]) -> list[SampleEvent]:
    return [event for event in events if isinstance(event, SampleEvent)]


def record_samples(library: Library, run_id: int, events: Iterable[SampleEvent]) -> list[int]:
    """Store each sample (a step sampled again replaces its row); the rows' ids.

    A StorageError (a full data folder) propagates, so the caller keeps the events and
    tries again; any other refusal (the run was deleted meanwhile) drops them.
    """
    ids = []
    for event in events:
        try:
            ids.append(library.samples.record(
                run_id, step=event.step, prompt_index=event.prompt_index, prompt=event.prompt,
                seed=event.seed, seconds=event.seconds, sample_rate=event.sample_rate,
                path=event.path, reference=event.reference,
            ))
        except StorageError:
            raise
        except MusiclabError:
            continue
    return ids
