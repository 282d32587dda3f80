"""Synthetic runs for the metrics chart tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from musiclab_desktop.ui.metrics import RunMetrics

START_TIME = 1_760_000_000.0  # a fixed unix time, so tooltip times are predictable
RunFactory = Callable[..., RunMetrics]


def loss_curve(steps: np.ndarray, seed: int = 0) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0, 0.02, len(steps))
    return 2.0 * np.exp(-steps / max(len(steps) / 3, 1)) + 0.2 + noise
