"""Export: the chart as PNG, the full unsampled series as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from musiclab_desktop.ui.metrics import MetricsChart
from musiclab_desktop.ui.metrics.export import CSV_HEADER

from metrics_kit import RunFactory


def test_csv_holds_the_full_series_not_the_drawn_one(
    chart: MetricsChart, make_run: RunFactory, tmp_path: Path
) -> None:
    run = make_run(points=50_000, metrics=("loss",))
    series = run.series["loss"]
    series.values[[10, 20, 30]] = [np.nan, np.inf, -np.inf]
    series.wall_times[5] = np.nan
    chart.show_run(run, live=False)
    assert len(chart.drawn_points(1)[0]) < len(series)  # the screen shows fewer

    path = tmp_path / "run.csv"
    assert chart.export_csv(path) == len(series)
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_HEADER
    body = rows[1:]
    assert {(r[0], r[1], r[2]) for r in body} == {("1", "run-1", "loss")}
    assert body[0][3] == "0"  # integral steps without ".0"
    np.testing.assert_array_equal([float(r[3]) for r in body], series.steps)
    np.testing.assert_array_equal([float(r[4]) for r in body], series.values)
    assert body[5][5] == ""
    wall = [float(r[5]) if r[5] else np.nan for r in body]
    np.testing.assert_array_equal(wall, series.wall_times)


def test_csv_of_a_comparison_has_every_run(
    chart: MetricsChart, make_run: RunFactory, tmp_path: Path
) -> None:
    chart.show_comparison([make_run(run_id=1, points=10), make_run(run_id=2, points=20)])
    assert chart.export_csv(tmp_path / "compare.csv") == 30


def test_png_is_a_non_empty_image_of_the_chart(
    chart: MetricsChart, make_run: RunFactory, tmp_path: Path
) -> None:
    chart.show_run(make_run(), live=False)
    chart.hover_at(10)
    path = tmp_path / "chart.png"
    chart.export_png(path)
    image = QImage(str(path))
    assert path.stat().st_size > 1000
    assert not image.isNull() and image.width() > 500 and image.height() > 150
    assert not chart.tooltip_label().isVisible()  # hover aids are not exported
