"""CSV export of the full, unsampled series. Qt-free."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from musiclab_desktop.ui.metrics.series import MetricSeries, RunMetrics

CSV_HEADER = ("run_id", "run_name", "metric", "step", "value", "wall_time")
RATING_METRIC = "sample_rating"

# (step, rating) of each rated sample of a run, by run id.
SampleRatings = Mapping[int, Sequence[tuple[int, int]]]


def write_metrics_csv(path: str | Path, runs: Iterable[RunMetrics], metric: str,
                      ratings: SampleRatings | None = None) -> int:
    """Write every point of `metric` of each run; returns the rows written. Values keep
    full precision (NaN/inf spelled as Python does); unknown wall times stay empty.
    The listeners' ratings of each run's samples follow as ``sample_rating`` rows
    (the step sampled, the rating 1-5)."""
    rows = 0
    ratings = ratings or {}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for run in runs:
            series = run.series.get(metric)
            if series is not None and len(series):
                writer.writerows(_rows(run, series))
                rows += len(series)
            for step, rating in ratings.get(run.run_id, ()):
                writer.writerow((run.run_id, run.run_name, RATING_METRIC, step, rating, ""))
                rows += 1
    return rows


def _rows(run: RunMetrics, series: MetricSeries) -> Iterable[tuple[object, ...]]:
    steps = series.steps
    # Integral steps print as 1200, not 1200.0.
    step_list = (
        steps.astype(np.int64).tolist() if np.all(steps == np.floor(steps)) else steps.tolist()
    )
    wall = series.wall_times
    wall_list = np.where(np.isfinite(wall), wall, np.nan).tolist()
    for step, value, when in zip(step_list, series.values.tolist(), wall_list, strict=True):
        yield run.run_id, run.run_name, series.name, step, value, "" if when != when else when
