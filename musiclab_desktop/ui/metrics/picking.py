"""Which drawn points the mouse is at, over all curves of the chart."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from musiclab_desktop.ui.metrics.curve import RunCurve, to_view_y
from musiclab_desktop.ui.metrics.hover import (
    comparison_text,
    nearest_in_pixels,
    nearest_index,
    single_run_text,
)
from musiclab_desktop.ui.metrics.overlay import HoverMark

Found = list[tuple[RunCurve, int]]


def nearest_points(curves: Sequence[RunCurve], step: float) -> Found:
    """Each curve's point nearest `step` (curves without points are left out)."""
    found = []
    for curve in curves:
        index = nearest_index(curve.series.steps, step)
        if index is not None:
            found.append((curve, index))
    return found


def describe(found: Found, metric: str, comparing: bool, step_offset: int = 0) -> str:
    """``step_offset``: the parent's last step, when a continued run is drawn after it."""
    points = [curve.point(index) for curve, index in found]
    if comparing:
        return comparison_text(metric, points)
    return single_run_text(metric, points[0], step_offset)


def hover_marks(found: Found, log: bool) -> list[HoverMark]:
    marks = []
    for curve, index in found:
        series = curve.series
        y = to_view_y(series.values[index : index + 1], log)[0]
        marks.append(HoverMark(float(series.steps[index]), float(y), curve.colour))
    return marks


def point_near(
    curves: Sequence[RunCurve],
    target: tuple[float, float],
    pixel_size: tuple[float, float],
    log: bool,
    radius_px: float,
) -> tuple[int, int] | None:
    """(run_id, step) of the drawn point nearest `target` (view coordinates) within
    radius_px, on the raw line or, when smoothing, the smoothed one."""
    best: tuple[float, int, int] | None = None
    for curve in curves:
        steps = curve.series.steps
        for smoothed in (False, True) if curve.smoothing > 0 else (False,):
            values = partial(curve.view_values, log=log, smoothed=smoothed)
            hit = nearest_in_pixels(steps, values, target, pixel_size, radius_px)
            if hit is not None and (best is None or hit[1] < best[0]):
                best = (hit[1], curve.run.run_id, int(steps[hit[0]]))
    return None if best is None else (best[1], best[2])
