"""peak_downsample: spikes and the last point survive, only the view is processed."""

from __future__ import annotations

import numpy as np

from musiclab_desktop.ui.metrics.downsample import peak_downsample, thin_positions

N = 1_000_000


def _noise(n: int = N) -> tuple[np.ndarray, np.ndarray]:
    x = np.arange(n, dtype=float)
    return x, np.random.default_rng(1).normal(1.0, 0.01, n)


def test_keeps_upward_and_downward_spikes() -> None:
    x, y = _noise()
    y[123_457] = 50.0
    y[876_543] = -40.0
    dx, dy = peak_downsample(x, y, 0, N - 1, 800)
    assert len(dx) <= 2 * 800 + 4
    assert 123_457 in dx and dy.max() == 50.0
    assert 876_543 in dx and dy.min() == -40.0


def test_always_keeps_first_and_last_point() -> None:
    x, y = _noise(1_000_003)  # not a multiple of the bin size
    dx, dy = peak_downsample(x, y, 0, x[-1], 700)
    assert dx[0] == 0 and dx[-1] == x[-1] and dy[-1] == y[-1]


def test_output_in_step_order_with_min_max_in_occurrence_order() -> None:
    x = np.arange(8, dtype=float)
    y = np.array([0, 9, 1, 1, 5, 5, -3, 5], dtype=float)
    dx, dy = peak_downsample(x, y, 0, 7, 1)  # 8 points > 2 * 1 + 2: downsampled
    assert np.all(np.diff(dx) > 0)
    assert list(dy) == [0, 9, -3, 5]  # max (at 1) before min (at 6), then the last point


def test_clips_to_view_with_one_neighbour_each_side() -> None:
    x, y = _noise(10_000)
    dx, _ = peak_downsample(x, y, 2000, 3000, 5000)
    assert dx[0] == 1999 and dx[-1] == 3001
    assert len(dx) == 1003  # few enough points: drawn as they are


def test_small_series_unchanged_and_nonfinite_become_gaps() -> None:
    x = np.arange(5, dtype=float)
    y = np.array([1.0, np.inf, 2.0, np.nan, -np.inf])
    dx, dy = peak_downsample(x, y, 0, 4, 100)
    np.testing.assert_array_equal(dx, x)
    np.testing.assert_array_equal(dy, [1.0, np.nan, 2.0, np.nan, np.nan])


def test_nonfinite_values_never_win_a_bin() -> None:
    x, y = _noise(100_000)
    y[::7] = np.nan
    y[50_000] = np.inf
    y[60_000] = 3.0
    _, dy = peak_downsample(x, y, 0, x[-1], 500)
    assert np.nanmax(dy) == 3.0


def test_empty_input() -> None:
    dx, dy = peak_downsample(np.empty(0), np.empty(0), 0, 1, 100)
    assert len(dx) == len(dy) == 0


def test_thin_positions_one_per_bin() -> None:
    steps = np.arange(0, 10_000, dtype=float)
    thinned = thin_positions(steps, 0, 9_999, 100)
    assert 90 <= len(thinned) <= 101 and thinned[0] == 0
