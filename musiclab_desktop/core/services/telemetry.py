"""A run's terminal log (raw bytes) and metric points: append in batches, read in order.

These are the hot paths of a training (a chatty worker, a million metric points), so
they go through the driver's ``executemany`` in one transaction per batch instead of
building ORM objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import text

from musiclab_desktop.core.records import MetricSeriesData
from musiclab_desktop.core.services.runs import get_run_row

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
            return session.connection().exec_driver_sql(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM run_log_chunks WHERE run_id = ?",
                (run_id,),
            ).scalar_one()

    def log_size(self, run_id: int) -> int:
        with self._library.transaction() as session:
            return session.connection().exec_driver_sql(
                "SELECT COALESCE(SUM(LENGTH(data)), 0) FROM run_log_chunks WHERE run_id = ?",
                (run_id,),
            ).scalar_one()

    # --- metrics -------------------------------------------------------------

    def append_metrics(self, run_id: int, points: Sequence[MetricTuple]) -> None:
        if not points:
            return
        rows = [(run_id, step, name, value, wall) for step, name, value, wall in points]
        with self._library.transaction() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO metric_points (run_id, step, name, value, wall_time) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def metric_names(self, run_id: int) -> list[str]:
        with self._library.transaction() as session:
            rows = session.connection().exec_driver_sql(
                "SELECT DISTINCT name FROM metric_points WHERE run_id = ? ORDER BY name",
                (run_id,),
            ).all()
            return [row[0] for row in rows]

    def series(self, run_id: int, name: str) -> MetricSeriesData:
        """One metric in step order; a stored NULL (SQLite's NaN) reads back as NaN."""
        with self._library.transaction() as session:
            rows = session.connection().exec_driver_sql(
                "SELECT step, value, wall_time FROM metric_points "
                "WHERE run_id = ? AND name = ? ORDER BY step, id",
                (run_id, name),
            ).all()
        steps = [row[0] for row in rows]
        values = [math.nan if row[1] is None else row[1] for row in rows]
        return MetricSeriesData(name, steps, values, [row[2] for row in rows])

    def all_series(self, run_id: int) -> dict[str, MetricSeriesData]:
        return {name: self.series(run_id, name) for name in self.metric_names(run_id)}

    def series_arrays(self, run_id: int, name: str) -> MetricArrays:
        """One metric as float arrays (steps, values, wall times; NaN for NULL), for charts.

        Read straight through the sqlite3 cursor into numpy: for a million points this is
        about twice as fast as building rows and lists.
        """
        with self._library.transaction() as session:
            cursor = session.connection().connection.dbapi_connection.cursor()
            try:
                rows = cursor.execute(
                    "SELECT step, value, wall_time FROM metric_points "
                    "WHERE run_id = ? AND name = ? ORDER BY step, id", (run_id, name),
                ).fetchall()
            finally:
                cursor.close()
        table = np.array(rows, dtype=np.float64).reshape(-1, 3)  # None -> NaN
        return MetricArrays(name, table[:, 0], table[:, 1], table[:, 2])

    def all_series_arrays(self, run_id: int) -> dict[str, MetricArrays]:
        return {name: self.series_arrays(run_id, name) for name in self.metric_names(run_id)}
