"""Metric and eval events as stored metric points."""

from __future__ import annotations

import math
import time

from musiclab_desktop.core.protocol import EvalEvent, Event, MetricEvent
from musiclab_desktop.core.services.telemetry import MetricTuple


def points_of(event: Event) -> list[MetricTuple]:
    """One point per value of a metric or eval event; others give none."""
    if not isinstance(event, MetricEvent | EvalEvent):
        return []
    wall = event.time if event.time is not None else time.time()
    return [(event.step, name, _number(value), wall) for name, value in event.values.items()]


def _number(value: float | None) -> float:
    # None (JSON null) and NaN both mean "not a number this step": kept, as NaN.
    return math.nan if value is None else value


def progress_of(event: Event) -> tuple[int, int] | None:
    """(step, total_steps) of a metric event; total 0 when the worker does not know."""
    return (event.step, event.total_steps) if isinstance(event, MetricEvent) else None
