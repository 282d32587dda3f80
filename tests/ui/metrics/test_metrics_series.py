"""MetricSeries: amortised growth, sorted steps, validation."""

from __future__ import annotations

import numpy as np
import pytest

from musiclab_desktop.ui.metrics.series import MetricSeries, RunMetrics, group_points


def test_append_grows_capacity_by_doubling_not_per_append() -> None:
    series = MetricSeries("loss")
    capacities = set()
    for start in range(0, 1000, 10):
        steps = np.arange(start, start + 10)
        series.append(steps, steps * 0.5, steps + 100.0)
        capacities.add(len(series._steps))
    assert len(series) == 1000
    # 64, 128, ..., 1024: a handful of reallocations for a hundred appends.
    assert capacities == {64, 128, 256, 512, 1024}
    np.testing.assert_array_equal(series.steps, np.arange(1000))
    np.testing.assert_array_equal(series.values, np.arange(1000) * 0.5)
    np.testing.assert_array_equal(series.wall_times, np.arange(1000) + 100.0)


def test_missing_wall_times_are_unknown() -> None:
    series = MetricSeries("loss", [1, 2], [0.5, 0.4])
    assert np.isnan(series.wall_times).all()


def test_out_of_order_append_keeps_steps_sorted_and_counts_a_rewrite() -> None:
    series = MetricSeries("loss", [0, 10, 20], [1.0, 2.0, 3.0])
    series.append([5, 15], [1.5, 2.5])
    np.testing.assert_array_equal(series.steps, [0, 5, 10, 15, 20])
    np.testing.assert_array_equal(series.values, [1.0, 1.5, 2.0, 2.5, 3.0])
    assert series.rewrites == 1


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        MetricSeries("loss", [1, 2], [0.5])


def test_run_metrics_facts() -> None:
    run = RunMetrics(3, "run-3", "FAILED", {"loss": MetricSeries("loss", [0, 7], [1, 2])})
    assert run.has_points and run.last_step == 7
    assert run.series_for("grad_norm") is run.series["grad_norm"]
    assert list(run.metric_names()) == ["loss"]


def test_runs_build_from_stored_point_columns_in_any_order() -> None:
    names = ["loss", "learning_rate", "loss", "loss", "learning_rate"]
    steps = [20, 10, 10, 30, 0]
    values = [0.5, 1e-4, 0.7, 0.4, 0.0]
    run = RunMetrics.from_columns(4, "run-4", "FAILED", (names, steps, values, None))
    np.testing.assert_array_equal(run.series["loss"].steps, [10, 20, 30])
    np.testing.assert_array_equal(run.series["loss"].values, [0.7, 0.5, 0.4])
    np.testing.assert_array_equal(run.series["learning_rate"].steps, [0, 10])
    assert group_points([], [], []) == {}
