"""Labels, number formats and nearest-point search."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from musiclab_desktop.ui.metrics.hover import (
    HoverPoint,
    comparison_text,
    nearest_in_pixels,
    nearest_index,
    single_run_text,
)
from musiclab_desktop.ui.metrics.labels import (
    format_value,
    format_wall_time,
    metric_info,
    sort_metric_names,
)


def test_known_and_unknown_metric_labels() -> None:
    assert metric_info("loss").axis_label == "Loss"
    assert metric_info("learning_rate").label == "Learning rate"
    assert metric_info("grad_norm").label == "Gradient norm"
    assert metric_info("audio_s_per_s").label == "Audio seconds / s"
    assert metric_info("gpu_mem_gb").axis_label == "GPU memory (GB)"
    assert metric_info("tokens_seen").label == "Tokens Seen"


def test_selector_order_puts_loss_first() -> None:
    assert sort_metric_names(["zeta", "gpu_mem_gb", "loss", "grad_norm"]) == [
        "loss",
        "grad_norm",
        "gpu_mem_gb",
        "zeta",
    ]


def test_value_formats() -> None:
    assert format_value("learning_rate", 0.0001) == "1.000e-04"
    assert format_value("gpu_mem_gb", 7.256) == "7.26 GB"
    assert format_value("loss", float("nan")) == "NaN"
    assert format_value("loss", float("-inf")) == "-Inf"
    assert format_wall_time(float("nan")) == "unknown"


def test_nearest_index() -> None:
    steps = np.array([0.0, 10.0, 20.0])
    assert nearest_index(steps, -5) == 0
    assert nearest_index(steps, 14) == 1
    assert nearest_index(steps, 16) == 2
    assert nearest_index(steps, 99) == 2
    assert nearest_index(np.empty(0), 1) is None


def test_nearest_in_pixels_looks_at_y_too() -> None:
    steps = np.arange(10, dtype=float)
    values = np.array([0, 0, 0, 0, 0, 9, 0, 0, 0, 0], dtype=float)
    hit = nearest_in_pixels(steps, lambda i: values[i], (5.0, 8.8), (0.1, 0.1), 10)
    assert hit is not None and hit[0] == 5
    assert nearest_in_pixels(steps, lambda i: values[i], (5.0, 4.0), (0.1, 0.1), 10) is None


def test_tooltip_texts() -> None:
    when = 1_760_000_000.0
    point = HoverPoint("run-1", 1200, 0.53219, when, smoothed=0.55)
    text = single_run_text("loss", point)
    local = datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M:%S")
    assert text == f"Step 1,200\nLoss: 0.53219\nSmoothed: 0.55\nTime: {local}"
    text = comparison_text("loss", [point, HoverPoint("run-2", 1190, 0.6, when)])
    assert "run-1: 0.53219 at step 1,200" in text and "run-2: 0.6 at step 1,190" in text
