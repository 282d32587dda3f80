"""TensorBoard's debiased exponential moving average, vectorised. Qt-free.

TensorBoard computes, over finite points only,
    last = last * w + (1 - w) * y;  smoothed = last / (1 - w ** count)
which is the weighted mean sum(w**(n-k) * y_k) / sum(w**(n-k)). A Python loop over a
million points takes about a second; the recurrence is solved here block by block with
numpy, and carries over between calls so live appends only smooth their new points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Blocks are sized so that w**block is below this: a carry then affects only the next
# block measurably, and w**-k inside a block stays far from overflow.
_NEGLIGIBLE = 1e-30


@dataclass(frozen=True)
class EmaState:
    """Where a smoothing pass stopped: the decayed sum and the finite points seen."""

    decayed_sum: float = 0.0
    count: int = 0


def ema_debiased(
    values: FloatArray, weight: float, state: EmaState | None = None
) -> tuple[FloatArray, EmaState]:
    """Smoothed values (NaN where the input is not finite) and the state to continue
    from. weight 0 returns the input unchanged; it must be below 1."""
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"smoothing weight must be in [0, 1), got {weight}")
    state = state or EmaState()
    values = np.asarray(values, dtype=np.float64)
    # Boolean indexing costs more than the smoothing itself: skip it when all finite.
    with np.errstate(invalid="ignore", over="ignore"):
        all_finite = bool(np.isfinite(values.sum()))
    finite = slice(None) if all_finite else np.isfinite(values)
    samples = values[finite]
    out = np.full(len(values), np.nan)
    if len(samples) == 0:
        return out, state
    if weight == 0.0:
        out[finite] = samples
        return out, EmaState(0.0, state.count + len(samples))
    sums = _decayed_cumsum(samples, weight, state.decayed_sum)
    out[finite] = sums * ((1.0 - weight) / _debias(weight, state.count, len(samples)))
    return out, EmaState(float(sums[-1]), state.count + len(samples))


def _debias(weight: float, seen: int, n: int) -> FloatArray:
    """1 - w**count for the next n counts; only the first few differ from 1 measurably,
    and np.power over a million exponents would cost 100 ms."""
    denominators = np.ones(n)
    horizon = math.ceil(math.log(1e-17) / math.log(weight))
    head = max(0, min(n, horizon - seen))
    if head:
        denominators[:head] = 1.0 - np.power(weight, np.arange(seen + 1, seen + head + 1))
    return denominators


def _decayed_cumsum(u: FloatArray, w: float, carry: float) -> FloatArray:
    """s_k = w * s_(k-1) + u_k with s_(-1) = carry."""
    n = len(u)
    block = min(n, max(1, math.ceil(math.log(_NEGLIGIBLE) / math.log(w))))
    n_blocks = math.ceil(n / block)
    padded = np.zeros(n_blocks * block)
    padded[:n] = u
    blocks = padded.reshape(n_blocks, block)
    powers = np.power(w, np.arange(block))
    local = np.cumsum(blocks / powers, axis=1) * powers
    carry_in = _block_carries(local[:, -1], w**block, carry)
    result = local + carry_in[:, None] * (w * powers)[None, :]
    return result.reshape(-1)[:n]


def _block_carries(block_ends: FloatArray, w_block: float, carry: float) -> FloatArray:
    """Sum entering each block. Exact recursion is c_b = end_(b-1) + w_block * c_(b-1);
    with w_block < 1e-30, two terms give it to double precision."""
    carries = np.empty(len(block_ends))
    carries[0] = carry
    if len(block_ends) > 1:
        previous = np.concatenate(([carry], block_ends[:-2]))
        carries[1:] = block_ends[:-1] + w_block * previous
    return carries
