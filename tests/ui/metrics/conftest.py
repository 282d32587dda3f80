"""Synthetic runs for the metrics chart tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.metrics import MetricsChart, MetricSeries, RunMetrics

START_TIME = 1_760_000_000.0  # a fixed unix time, so tooltip times are predictable
RunFactory = Callable[..., RunMetrics]


def loss_curve(steps: np.ndarray, seed: int = 0) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0, 0.02, len(steps))
    return 2.0 * np.exp(-steps / max(len(steps) / 3, 1)) + 0.2 + noise


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
