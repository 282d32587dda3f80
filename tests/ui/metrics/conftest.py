"""Synthetic runs for the metrics chart tests."""

from __future__ import annotations

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.metrics import MetricsChart, MetricSeries, RunMetrics

from metrics_kit import START_TIME, RunFactory, loss_curve


@pytest.fixture
def make_run() -> RunFactory:
    def make(
        run_id: int = 1,
        points: int = 200,
        *,
        name: str | None = None,
        status: str = "COMPLETED",
        metrics: tuple[str, ...] = ("loss", "learning_rate"),
        seed: int = 0,
    ) -> RunMetrics:
        steps = np.arange(points, dtype=float)
        wall = START_TIME + steps * 1.5
        series = {}
        for metric in metrics:
            values = (
                loss_curve(steps, seed) if metric == "loss" else np.linspace(1e-4, 1e-6, points)
            )
            series[metric] = MetricSeries(metric, steps, values, wall)
        return RunMetrics(run_id, name or f"run-{run_id}", status, series)

    return make


@pytest.fixture
def chart(qtbot: QtBot) -> MetricsChart:
    widget = MetricsChart(refresh_interval_ms=100)
    qtbot.addWidget(widget)
    widget.resize(900, 380)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
