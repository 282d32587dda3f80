"""Packing metric points into blocks of float arrays, and back.

A block holds up to BLOCK_POINTS points of one metric of one run, in step order, as
three little-endian float64 arrays (steps, values, wall times; NaN where a value or a
time is missing). Reading a series is then a few hundred rows and one numpy
concatenation, whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

BLOCK_POINTS = 4096
_DTYPE = np.dtype("<f8")

INSERT_BLOCK = (
    "INSERT INTO metric_blocks (run_id, name, first_step, count, step_data, value_data, "
    "wall_data) VALUES (:r, :n, :f, :c, :s, :v, :w)"
)


@dataclass(frozen=True)
class PackedBlock:
    first_step: int
    count: int
    steps: bytes
    values: bytes
    wall_times: bytes

    def as_params(self) -> dict[str, object]:
        return {"f": self.first_step, "c": self.count, "s": self.steps, "v": self.values,
                "w": self.wall_times}


def _floats(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=_DTYPE)


def pack_block(steps: Sequence[float], values: Sequence[float | None],
               wall_times: Sequence[float | None]) -> Iterator[PackedBlock]:
    """Blocks of at most BLOCK_POINTS points, sorted by step (stable for equal steps)."""
    step_array = np.asarray(steps, dtype=_DTYPE)
    order = np.argsort(step_array, kind="stable")
    step_array = step_array[order]
    value_array, wall_array = _floats(values)[order], _floats(wall_times)[order]
    for start in range(0, len(step_array), BLOCK_POINTS):
        end = start + BLOCK_POINTS
        yield PackedBlock(int(step_array[start]), len(step_array[start:end]),
                          step_array[start:end].tobytes(), value_array[start:end].tobytes(),
                          wall_array[start:end].tobytes())


def unpack_blocks(rows: Sequence[tuple[bytes, bytes, bytes]]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenate blocks (steps, values, wall times), sorted by step.

    Blocks arrive ordered by their first step; they only overlap when points came out of
    order (a resumed run re-logging steps), and then one stable sort fixes it.
    """
    if not rows:
        empty = np.empty(0, dtype=np.float64)
        return empty, empty.copy(), empty.copy()
    columns = [np.concatenate([np.frombuffer(row[i], dtype=_DTYPE) for row in rows])
               .astype(np.float64) for i in range(3)]
    steps, values, walls = columns
    if steps.size > 1 and np.any(np.diff(steps) < 0):
        order = np.argsort(steps, kind="stable")
        steps, values, walls = steps[order], values[order], walls[order]
    return steps, values, walls
