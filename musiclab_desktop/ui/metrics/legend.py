"""Texts around the plot: the comparison legend and the status hint. Qt-free."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.ui.metrics.labels import format_step, format_value, metric_info
from musiclab_desktop.ui.metrics.series import RunMetrics

LIVE_HINT = "● Live"
LIVE_HELD_HINT = "● Live · view held (Reset view follows again)"


@dataclass(frozen=True)
class LegendEntry:
    plain: str
    rich: str


def legend_entry(run: RunMetrics, metric: str, colour: str) -> LegendEntry:
    """'run-2 — final 0.4123' after a swatch of the run's colour."""
    series = run.series.get(metric)
    last = series.last_value if series is not None else None
    if last is None:
        value = f"no {metric_info(metric).label.lower()} recorded"
    else:
        word = "latest" if run.status == RunStatus.RUNNING else "final"
        value = f"{word} {format_value(metric, last)}"
    plain = f"{run.run_name} — {value}"
    swatch = f'<span style="color:{colour};font-weight:bold">━━</span>'
    # Non-breaking inside an entry: the legend wraps between runs, never within one.
    return LegendEntry(plain, f"{swatch}&nbsp;{html.escape(plain).replace(' ', '&nbsp;')}")


def legend_html(entries: Sequence[LegendEntry]) -> str:
    return " &nbsp;&nbsp; ".join(entry.rich for entry in entries)


def status_hint(runs: Sequence[RunMetrics], *, comparing: bool, live: bool, following: bool) -> str:
    """'Partial: run failed at step 1,200' for runs that stopped early (the runs table's
    badge says the rest), led by a live marker while points arrive."""
    parts = []
    for run in runs:
        if run.status in RunStatus.ENDED_EARLY and run.last_step is not None:
            who = run.run_name if comparing else "run"
            parts.append(f"{who} {run.status.lower()} at step {format_step(run.last_step)}")
    hint = f"Partial: {'; '.join(parts)}" if parts else ""
    if live and runs:
        marker = LIVE_HINT if following else LIVE_HELD_HINT
        hint = f"{marker} · {hint}" if hint else marker
    return hint
