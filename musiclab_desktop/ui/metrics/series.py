"""Plain metric data the chart is fed with. Qt-free, so the runner and tests can build it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from musiclab_desktop.core.status import RunStatus

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

_MIN_CAPACITY = 64


def _as_float_array(data: ArrayLike | None, length: int | None = None) -> FloatArray:
    if data is None:
        return np.full(length or 0, np.nan)
    return np.asarray(data, dtype=np.float64).reshape(-1)


class MetricSeries:
    """One metric of one run: steps, values and wall times, kept sorted by step.

    Backed by buffers that double in capacity, so live appends cost amortised O(points
    appended) rather than a full copy each time. `steps`, `values` and `wall_times` are
    views of the filled part; do not keep them across appends.

    `revision` increases on every change and `rewrites` only when existing points moved
    (an out-of-order append forced a re-sort): caches may extend themselves while
    `rewrites` is unchanged and must rebuild otherwise.
    """

    __slots__ = ("_size", "_steps", "_values", "_wall", "name", "revision", "rewrites")

    def __init__(
        self,
        name: str,
        steps: ArrayLike | None = None,
        values: ArrayLike | None = None,
        wall_times: ArrayLike | None = None,
    ) -> None:
        self.name = name
        self._size = 0
        self._steps: FloatArray = np.empty(0)
        self._values: FloatArray = np.empty(0)
        self._wall: FloatArray = np.empty(0)
        self.revision = 0
        self.rewrites = 0
        if steps is not None:
            self.append(steps, values if values is not None else [], wall_times)

    def __len__(self) -> int:
        return self._size

    def __repr__(self) -> str:
        return f"MetricSeries(name={self.name!r}, points={self._size})"

    @property
    def steps(self) -> FloatArray:
        return self._steps[: self._size]

    @property
    def values(self) -> FloatArray:
        return self._values[: self._size]

    @property
    def wall_times(self) -> FloatArray:
        return self._wall[: self._size]

    @property
    def last_step(self) -> float | None:
        return float(self._steps[self._size - 1]) if self._size else None

    @property
    def last_value(self) -> float | None:
        return float(self._values[self._size - 1]) if self._size else None

    def append(
        self, steps: ArrayLike, values: ArrayLike, wall_times: ArrayLike | None = None
    ) -> None:
        """Add points; wall_times may be omitted (unknown, stored as NaN)."""
        new_steps = _as_float_array(steps)
        new_values = _as_float_array(values)
        new_wall = _as_float_array(wall_times, len(new_steps))
        if not len(new_steps) == len(new_values) == len(new_wall):
            raise ValueError(
                f"{self.name}: steps, values and wall_times differ in length "
                f"({len(new_steps)}, {len(new_values)}, {len(new_wall)})"
            )
        count = len(new_steps)
        if count == 0:
            return
        in_order = self._is_in_order_after_tail(new_steps)
        self._reserve(self._size + count)
        end = self._size + count
        self._steps[self._size : end] = new_steps
        self._values[self._size : end] = new_values
        self._wall[self._size : end] = new_wall
        self._size = end
        self.revision += 1
        if not in_order:
            self._sort_by_step()

    def _is_in_order_after_tail(self, new_steps: FloatArray) -> bool:
        if self._size and new_steps[0] < self._steps[self._size - 1]:
            return False
        return bool(np.all(new_steps[1:] >= new_steps[:-1]))

    def _reserve(self, needed: int) -> None:
        capacity = len(self._steps)
        if needed <= capacity:
            return
        new_capacity = max(_MIN_CAPACITY, capacity)
        while new_capacity < needed:
            new_capacity *= 2
        for attr in ("_steps", "_values", "_wall"):
            grown = np.empty(new_capacity)
            grown[: self._size] = getattr(self, attr)[: self._size]
            setattr(self, attr, grown)

    def _sort_by_step(self) -> None:
        # Rare (a resumed run re-logging earlier steps): a stable sort keeps arrival
        # order among equal steps, and every search in the chart relies on sorted steps.
        order = np.argsort(self.steps, kind="stable")
        for attr in ("_steps", "_values", "_wall"):
            buffer = getattr(self, attr)
            buffer[: self._size] = buffer[: self._size][order]
        self.rewrites += 1


@dataclass
class RunMetrics:
    """Everything the chart shows of one run. The chart appends live points to `series`."""

    run_id: int
    run_name: str
    status: str = RunStatus.COMPLETED
    series: dict[str, MetricSeries] = field(default_factory=dict)

    @property
    def has_points(self) -> bool:
        return any(len(s) for s in self.series.values())

    @property
    def last_step(self) -> float | None:
        steps = [step for s in self.series.values() if (step := s.last_step) is not None]
        return max(steps) if steps else None

    def metric_names(self) -> Iterator[str]:
        return (name for name, s in self.series.items() if len(s))

    @classmethod
    def from_columns(
        cls,
        run_id: int,
        run_name: str,
        status: str,
        columns: tuple[ArrayLike, ArrayLike, ArrayLike, ArrayLike | None],
    ) -> RunMetrics:
        """A run from point rows as stored (name, step, value, wall time), given column
        by column as a database read returns them; rows may come in any order."""
        return cls(run_id, run_name, status, group_points(*columns))

    def series_for(self, name: str) -> MetricSeries:
        """The series called `name`, created empty when the run has none yet."""
        if name not in self.series:
            self.series[name] = MetricSeries(name)
        return self.series[name]


def group_points(
    names: ArrayLike, steps: ArrayLike, values: ArrayLike, wall_times: ArrayLike | None = None
) -> dict[str, MetricSeries]:
    """One series per metric name from parallel columns (rows in any order)."""
    step_column = _as_float_array(steps)
    value_column = _as_float_array(values)
    wall_column = _as_float_array(wall_times, len(step_column))
    codes, labels = _factorize(names, len(step_column))
    # Grouping by name keeps each group's rows in read order; MetricSeries sorts a
    # group by step only when it is not already (the usual ORDER BY step read).
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
    grouped = {}
    for code, name in enumerate(labels):
        rows = order[bounds[code] : bounds[code + 1]]
        grouped[name] = MetricSeries(name, step_column[rows], value_column[rows], wall_column[rows])
    return grouped


def _factorize(names: ArrayLike, count: int) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Integer code per row and the names in order of first appearance; a dict lookup
    per row is several times faster than sorting a million strings."""
    lookup: dict[str, int] = {}
    rows = np.asarray(names, dtype=object).reshape(-1).tolist()
    codes = np.fromiter((lookup.setdefault(n, len(lookup)) for n in rows), np.intp, count)
    return codes, list(lookup)
