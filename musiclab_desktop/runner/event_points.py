"""Metric and eval events as stored metric points."""

from __future__ import annotations

import math
import time

from musiclab_desktop.core.protocol import EVAL, METRIC, Event
from musiclab_desktop.core.services.telemetry import MetricTuple


def points_of(event: Event) -> list[MetricTuple]:
    """One point per numeric value of a metric or eval event; others give none."""
    if event.type not in (METRIC, EVAL):
        return []
    step = event.get("step")
    values = event.get("values")
    if not isinstance(step, int) or not isinstance(values, dict):
        return []
    wall = event.get("time")
    wall = float(wall) if isinstance(wall, int | float) else time.time()
    return [
        (step, str(name), _number(value), wall)
        for name, value in values.items()
        if isinstance(value, int | float) or value is None
    ]


def _number(value: float | None) -> float:
    # None (JSON null) and NaN both mean "not a number this step": kept, as NaN.
    return math.nan if value is None else float(value)


def progress_of(event: Event) -> tuple[int, int] | None:
    """(step, total_steps) of a metric event; total 0 when the worker does not know."""
    if event.type != METRIC or not isinstance(event.get("step"), int):
        return None
    total = event.get("total_steps")
    return event.get("step"), total if isinstance(total, int) else 0
