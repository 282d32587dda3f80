"""Min/max (peak) downsampling with clip-to-view. Qt-free.

Web trackers draw a few hundred evenly sampled points and lose the spikes users look
for; keeping both the lowest and the highest point of every bin, in their original
order, draws the same envelope a full-resolution plot would, at a cost proportional to
the points in view.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]


def visible_range(x: FloatArray, x_min: float, x_max: float) -> tuple[int, int]:
    """Slice [start, stop) of sorted `x` inside [x_min, x_max], plus one neighbour on each
    side so the line runs on to the edges of the view instead of stopping short."""
    start = max(int(np.searchsorted(x, x_min, side="left")) - 1, 0)
    stop = min(int(np.searchsorted(x, x_max, side="right")) + 1, len(x))
    return start, max(start, stop)


def peak_downsample(
    x: FloatArray, y: FloatArray, x_min: float, x_max: float, n_bins: int
) -> tuple[FloatArray, FloatArray]:
    """Points of (x sorted ascending, y) to draw for the view [x_min, x_max] at `n_bins`
    pixels: every bin contributes its minimum and maximum in the order they occurred,
    and the first and last points of the clipped range are always kept. Non-finite y
    come back as NaN so the line breaks there (the chart marks them separately)."""
    start, stop = visible_range(x, x_min, x_max)
    xs, ys = x[start:stop], y[start:stop]
    n_bins = max(int(n_bins), 1)
    if len(xs) <= 2 * n_bins + 2:
        return xs.copy(), _nan_for_nonfinite(ys)
    keep = _peak_indices(ys, n_bins)
    return xs[keep], _nan_for_nonfinite(ys[keep])


def _peak_indices(y: FloatArray, n_bins: int) -> IndexArray:
    n = len(y)
    chunk = math.ceil(n / n_bins)
    full = (n // chunk) * chunk
    parts = [np.array([0]), _block_extremes(y[:full].reshape(-1, chunk))]
    if full < n:
        parts.append(full + _block_extremes(y[full:].reshape(1, -1)))
    parts.append(np.array([n - 1]))
    keep = np.concatenate(parts)
    # Already in order; drop repeats (a flat bin's min and max are the same point).
    return keep[np.concatenate(([True], keep[1:] > keep[:-1]))]


def _block_extremes(blocks: FloatArray) -> IndexArray:
    """Flat indices of each row's min and max, the earlier of the two first."""
    if _all_finite(blocks):
        low, high = blocks.argmin(axis=1), blocks.argmax(axis=1)
    else:
        # Slow path only when NaN/Inf are present: they must not win min or max.
        finite = np.isfinite(blocks)
        low = np.where(finite, blocks, np.inf).argmin(axis=1)
        high = np.where(finite, blocks, -np.inf).argmax(axis=1)
    base = np.arange(blocks.shape[0]) * blocks.shape[1]
    out = np.empty(2 * blocks.shape[0], dtype=np.intp)
    out[0::2] = base + np.minimum(low, high)
    out[1::2] = base + np.maximum(low, high)
    return out


def _all_finite(values: FloatArray) -> bool:
    """One fast sum instead of a boolean mask: any NaN/Inf makes the sum non-finite
    (a sum overflowing to Inf merely takes the careful path)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.isfinite(values.sum()))


def _nan_for_nonfinite(y: FloatArray) -> FloatArray:
    return np.where(np.isfinite(y), y, np.nan)


def thin_positions(x: FloatArray, x_min: float, x_max: float, n_bins: int) -> FloatArray:
    """At most one of the sorted positions `x` per bin of the view: markers for
    thousands of NaN steps would otherwise cost more than the curve itself."""
    start, stop = visible_range(x, x_min, x_max)
    xs = x[start:stop]
    if len(xs) <= n_bins or x_max <= x_min:
        return xs.copy()
    bins = np.floor((xs - x_min) * (n_bins / (x_max - x_min)))
    _, first = np.unique(bins, return_index=True)
    return xs[first]
