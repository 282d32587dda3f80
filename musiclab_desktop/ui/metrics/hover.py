"""Finding the point under the mouse and describing it. Qt-free, so each hover costs a
binary search and a few string formats whatever the series length."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from musiclab_desktop.ui.metrics.labels import (
    format_step,
    format_value,
    format_wall_time,
    metric_info,
)

FloatArray = npt.NDArray[np.float64]
# Point indices to view y: what RunCurve.view_values does.
Transform = Callable[[npt.NDArray[np.intp]], FloatArray]


@dataclass(frozen=True)
class HoverPoint:
    run_name: str
    step: float
    value: float
    wall_time: float
    smoothed: float | None = None


def nearest_index(steps: FloatArray, x: float) -> int | None:
    """Index of the step closest to x in sorted `steps` (the earlier one on a tie)."""
    n = len(steps)
    if n == 0 or not math.isfinite(x):
        return None
    i = int(np.searchsorted(steps, x))
    if i == 0:
        return 0
    if i >= n:
        return n - 1
    return i if steps[i] - x < x - steps[i - 1] else i - 1


def nearest_in_pixels(
    steps: FloatArray,
    view_values: Transform,
    target: tuple[float, float],
    pixel_size: tuple[float, float],
    radius_px: float,
) -> tuple[int, float] | None:
    """(index, distance in pixels) of the drawn point nearest to `target` (view
    coordinates) within radius_px, or None. `view_values(slice)` maps the values of a
    slice of the series to view y (log10 on a log scale); only points within the
    radius along x are looked at, so a click costs the same on any series length."""
    x, y = target
    px_x, px_y = pixel_size
    start = int(np.searchsorted(steps, x - radius_px * px_x, side="left"))
    stop = int(np.searchsorted(steps, x + radius_px * px_x, side="right"))
    if stop <= start or px_x <= 0 or px_y <= 0:
        return None
    dx = (steps[start:stop] - x) / px_x
    dy = (view_values(np.arange(start, stop)) - y) / px_y
    distance = np.hypot(dx, dy)
    distance[~np.isfinite(distance)] = np.inf
    best = int(np.argmin(distance))
    if distance[best] > radius_px:
        return None
    return start + best, float(distance[best])


def single_run_text(metric: str, point: HoverPoint, step_offset: int = 0) -> str:
    step = f"Step {format_step(point.step)}"
    if step_offset:  # a continued run after its parent's curve: the axis counts on
        step += f" ({format_step(point.step + step_offset)} counting the parent's)"
    lines = [
        step,
        f"{metric_info(metric).label}: {format_value(metric, point.value)}",
    ]
    if point.smoothed is not None and math.isfinite(point.smoothed):
        lines.append(f"Smoothed: {format_value(metric, point.smoothed)}")
    lines.append(f"Time: {format_wall_time(point.wall_time)}")
    return "\n".join(lines)


def comparison_text(metric: str, points: list[HoverPoint]) -> str:
    lines = [metric_info(metric).label]
    for point in points:
        lines.append(
            f"{point.run_name}: {format_value(metric, point.value)}"
            f" at step {format_step(point.step)}, {format_wall_time(point.wall_time)}"
        )
    return "\n".join(lines)
