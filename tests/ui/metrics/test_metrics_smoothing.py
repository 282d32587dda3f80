"""TensorBoard's debiased EMA, vectorised and resumable."""

from __future__ import annotations

import math

import numpy as np
import pytest

from musiclab_desktop.ui.metrics.smoothing import ema_debiased


def _tensorboard(values: np.ndarray, weight: float) -> np.ndarray:
    last, count, out = 0.0, 0, []
    for y in values:
        if not math.isfinite(y):
            out.append(math.nan)
            continue
        last = last * weight + (1 - weight) * y
        count += 1
        out.append(last / (1 - weight**count))
    return np.array(out)


@pytest.mark.parametrize("weight", [0.0, 0.05, 0.6, 0.9, 0.99, 0.999])
def test_matches_tensorboard_loop(weight: float) -> None:
    values = np.random.default_rng(2).normal(3.0, 1.0, 5000)
    values[::37] = np.nan
    values[100] = np.inf
    smoothed, _ = ema_debiased(values, weight)
    np.testing.assert_allclose(smoothed, _tensorboard(values, weight), rtol=1e-10, atol=1e-12)


def test_resuming_from_state_equals_one_pass() -> None:
    values = np.random.default_rng(3).normal(size=3000)
    whole, _ = ema_debiased(values, 0.8)
    head, state = ema_debiased(values[:1234], 0.8)
    tail, _ = ema_debiased(values[1234:], 0.8, state)
    np.testing.assert_allclose(np.concatenate((head, tail)), whole, rtol=1e-12)


def test_first_point_is_not_biased_towards_zero() -> None:
    smoothed, _ = ema_debiased(np.array([5.0, 5.0]), 0.95)
    np.testing.assert_allclose(smoothed, [5.0, 5.0])


def test_weight_out_of_range() -> None:
    with pytest.raises(ValueError):
        ema_debiased(np.ones(3), 1.0)
