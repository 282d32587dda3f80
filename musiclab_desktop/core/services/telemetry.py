"""A run's terminal log (raw bytes) and metric points: append in batches, read in order.

These are the hot paths of a training (a chatty worker, a million metric points), so
they go through the driver's ``executemany`` in one transaction per batch instead of
building ORM objects.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import text

from musiclab_desktop.core.metric_blocks import INSERT_BLOCK, pack_block, unpack_blocks
from musiclab_desktop.core.records import MetricSeriesData
from musiclab_desktop.core.services.rows import get_run_row

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library

# (step, name, value, wall_time)
MetricTuple = tuple[int, str, float, float | None]


@dataclass(frozen=True)
class MetricArrays:
    """One metric of one run as parallel float arrays in step order."""

    name: str
    steps: np.ndarray
    values: np.ndarray
    wall_times: np.ndarray


class TelemetryService:
    def __init__(self, library: Library) -> None:
        self._library = library

    # --- logs ----------------------------------------------------------------

    def append_log(self, run_id: int, chunks: Sequence[bytes]) -> None:
        """Store ``chunks`` after the run's existing ones, byte for byte."""
        chunks = [chunk for chunk in chunks if chunk]
        if not chunks:
            return
        with self._library.transaction() as session:
            connection = session.connection()
            last = connection.execute(
                text("SELECT COALESCE(MAX(seq), -1) FROM run_log_chunks WHERE run_id = :r"),
                {"r": run_id},
            ).scalar_one()
            rows = [(run_id, last + 1 + i, chunk) for i, chunk in enumerate(chunks)]
            connection.exec_driver_sql(
                "INSERT INTO run_log_chunks (run_id, seq, data) VALUES (?, ?, ?)", rows
            )

    def iter_log(self, run_id: int, batch: int = 256, *, first_chunk: int = 0,
                 end_chunk: int | None = None) -> Iterator[bytes]:
        """The stored chunks in order, read a batch at a time (for large logs).

        Chunks are numbered 0, 1, 2 ... as stored; ``first_chunk`` skips the ones a
        reader already has (``musiclab runs logs --follow``) and ``end_chunk`` stops
        before that one (a snapshot taken while the run still writes).
        """
        after = first_chunk - 1
        end = 2**62 if end_chunk is None else end_chunk
        while True:
            with self._library.transaction() as session:
                rows = session.connection().exec_driver_sql(
                    "SELECT seq, data FROM run_log_chunks WHERE run_id = ? AND seq > ? "
                    "AND seq < ? ORDER BY seq LIMIT ?",
                    (run_id, after, end, batch),
                ).all()
            if not rows:
                return
            after = rows[-1][0]
            yield from (bytes(row[1]) for row in rows)

    def read_log(self, run_id: int) -> bytes:
        with self._library.transaction() as session:
            get_run_row(session, run_id)
        return b"".join(self.iter_log(run_id))

    def log_chunk_count(self, run_id: int) -> int:
        """How many chunks are stored: the ``end_chunk`` of a snapshot taken now."""
        with self._library.transaction() as session:
            return int(session.connection().exec_driver_sql(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM run_log_chunks WHERE run_id = ?",
                (run_id,),
            ).scalar_one())

    def log_size(self, run_id: int) -> int:
        with self._library.transaction() as session:
            return int(session.connection().exec_driver_sql(
                "SELECT COALESCE(SUM(LENGTH(data)), 0) FROM run_log_chunks WHERE run_id = ?",
                (run_id,),
            ).scalar_one())

    # --- metrics -------------------------------------------------------------

    def append_metrics(self, run_id: int, points: Sequence[MetricTuple]) -> None:
        """Store points (any order, any metrics) as packed blocks, one transaction."""
        if not points:
            return
        by_name: dict[str, list[MetricTuple]] = defaultdict(list)
        for point in points:
            by_name[point[1]].append(point)
        with self._library.transaction() as session:
            connection = session.connection()
            for name, named in by_name.items():
                blocks = pack_block([p[0] for p in named], [p[2] for p in named],
                                    [p[3] for p in named])
                connection.execute(text(INSERT_BLOCK), [
                    {"r": run_id, "n": name, **block.as_params()} for block in blocks])

    def metric_names(self, run_id: int) -> list[str]:
        with self._library.transaction() as session:
            rows = session.connection().exec_driver_sql(
                "SELECT DISTINCT name FROM metric_blocks WHERE run_id = ? ORDER BY name",
                (run_id,),
            ).all()
            return [row[0] for row in rows]

    def series_arrays(self, run_id: int, name: str) -> MetricArrays:
        """One metric as float arrays in step order (NaN where a value or time is missing)."""
        with self._library.transaction() as session:
            rows = session.connection().exec_driver_sql(
                "SELECT step_data, value_data, wall_data FROM metric_blocks "
                "WHERE run_id = ? AND name = ? ORDER BY first_step, id",
                (run_id, name),
            ).all()
        steps, values, walls = unpack_blocks([tuple(row) for row in rows])
        return MetricArrays(name, steps, values, walls)

    def all_series_arrays(self, run_id: int) -> dict[str, MetricArrays]:
        return {name: self.series_arrays(run_id, name) for name in self.metric_names(run_id)}

    def series(self, run_id: int, name: str) -> MetricSeriesData:
        """One metric as plain lists (for JSON): integer steps, NaN values kept, a wall
        time of None where it was not recorded."""
        arrays = self.series_arrays(run_id, name)
        walls = [None if math.isnan(w) else w for w in arrays.wall_times.tolist()]
        return MetricSeriesData(name, [int(s) for s in arrays.steps.tolist()],
                                arrays.values.tolist(), walls)

    def all_series(self, run_id: int) -> dict[str, MetricSeriesData]:
        return {name: self.series(run_id, name) for name in self.metric_names(run_id)}
