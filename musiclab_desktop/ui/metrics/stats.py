"""Running facts about a series that every redraw needs: value bounds and the steps of
NaN/Inf points. Extended with each append instead of rescanning a million points. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from musiclab_desktop.ui.metrics.series import MetricSeries

FloatArray = npt.NDArray[np.float64]


@dataclass
class NonFiniteSteps:
    nan: FloatArray = field(default_factory=lambda: np.empty(0))
    pos_inf: FloatArray = field(default_factory=lambda: np.empty(0))
    neg_inf: FloatArray = field(default_factory=lambda: np.empty(0))

    def __len__(self) -> int:
        return len(self.nan) + len(self.pos_inf) + len(self.neg_inf)


class SeriesStats:
    """Finite min/max (and positive min/max for log scale) of a series' values, and where
    its non-finite values are."""

    def __init__(self, series: MetricSeries) -> None:
        self.series = series
        self._reset()

    def _reset(self) -> None:
        self._done = 0
        self._rewrites = self.series.rewrites
        self.finite_min = np.inf
        self.finite_max = -np.inf
        self.positive_min = np.inf
        self.positive_max = -np.inf
        self.nonfinite = NonFiniteSteps()

    def refresh(self) -> None:
        if self.series.rewrites != self._rewrites:
            self._reset()
        if self._done == len(self.series):
            return
        steps = self.series.steps[self._done :]
        values = self.series.values[self._done :]
        self._done = len(self.series)
        finite = np.isfinite(values)
        if not finite.all():
            self._add_nonfinite(steps, values, finite)
            values = values[finite]
        if len(values):
            self.finite_min = min(self.finite_min, float(values.min()))
            self.finite_max = max(self.finite_max, float(values.max()))
            positive = values[values > 0]
            if len(positive):
                self.positive_min = min(self.positive_min, float(positive.min()))
                self.positive_max = max(self.positive_max, float(positive.max()))

    def value_bounds(self, log: bool) -> tuple[float, float] | None:
        """(low, high) of the values drawable on the chosen scale, None if there are none."""
        low, high = (
            (self.positive_min, self.positive_max) if log else (self.finite_min, self.finite_max)
        )
        return (low, high) if low <= high else None

    def _add_nonfinite(self, steps: FloatArray, values: FloatArray, finite: npt.NDArray) -> None:
        bad_steps, bad_values = steps[~finite], values[~finite]
        found = self.nonfinite
        found.nan = np.concatenate((found.nan, bad_steps[np.isnan(bad_values)]))
        found.pos_inf = np.concatenate((found.pos_inf, bad_steps[bad_values == np.inf]))
        found.neg_inf = np.concatenate((found.neg_inf, bad_steps[bad_values == -np.inf]))
