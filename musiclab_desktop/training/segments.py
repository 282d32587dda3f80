"""Which stretch of which clip each training example covers, and how they batch.

Segments are windows over cached codes: a long clip gives as many full windows as
fit, at a random offset each epoch (so over epochs all of it is seen); a short clip
gives one shorter window, padded with -100 in its batch. Length bucketing keeps
windows of similar length together so little compute goes to padding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musiclab_desktop.training.codes_cache import EncodedClip

BUCKET_BATCHES = 16


@dataclass(frozen=True)
class Segment:
    clip_index: int
    start: int
    length: int


def count_segments(clips: list[EncodedClip], segment_frames: int) -> int:
    return sum(max(1, clip.frames // segment_frames) for clip in clips)


def epoch_segments(
    clips: list[EncodedClip], segment_frames: int, rng: np.random.Generator | None
) -> list[Segment]:
    """One epoch's windows; ``rng=None`` gives fixed windows from each clip's start (eval)."""
    segments: list[Segment] = []
    for index, clip in enumerate(clips):
        if clip.frames <= segment_frames:
            segments.append(Segment(index, 0, clip.frames))
            continue
        count = clip.frames // segment_frames
        spare = clip.frames - count * segment_frames
        offset = 0 if rng is None else int(rng.integers(0, spare + 1))
        segments.extend(
            Segment(index, offset + i * segment_frames, segment_frames) for i in range(count)
        )
    return segments


def bucket_batches(
    segments: list[Segment], batch_size: int, rng: np.random.Generator | None
) -> list[list[Segment]]:
    """Batches of similar-length segments, in random order (fixed order without rng)."""
    order = list(segments)
    if rng is not None:
        order = [order[i] for i in rng.permutation(len(order))]
    pool_size = batch_size * BUCKET_BATCHES
    batches: list[list[Segment]] = []
    for pool_start in range(0, len(order), pool_size):
        pool = sorted(order[pool_start : pool_start + pool_size], key=lambda s: -s.length)
        batches.extend(pool[i : i + batch_size] for i in range(0, len(pool), batch_size))
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches
