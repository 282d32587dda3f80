"""The runs table's fixed columns: what each shows for a run and how it sorts.

Plain functions of a RunRecord, so the model (runs_model.py) stays about rows, order,
checks and the figures measured on the side (ratings, disk use, settings).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.ui.formatting import duration_text

RUN_ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3


class Column(IntEnum):
    CHECK = 0
    NAME = 1
    STATUS = 2
    STARTED = 3
    DURATION = 4
    PROGRESS = 5
    FINAL_LOSS = 6
    ADAPTER = 7
    NOTES = 8
    RATING = 9
    DISK = 10
    TARGET = 11
    ACTIONS = 12


HEADERS = {
    Column.CHECK: "",
    Column.NAME: "Run",
    Column.STATUS: "Status",
    Column.STARTED: "Started",
    Column.DURATION: "Duration",
    Column.PROGRESS: "Progress",
    Column.FINAL_LOSS: "Final loss",
    Column.ADAPTER: "Adapter",
    Column.NOTES: "Tags and notes",
    Column.RATING: "Rating",
    Column.DISK: "Disk",
    Column.TARGET: "Target",
    Column.ACTIONS: "",
}


def notes_text(run: RunRecord) -> str:
    """'#baseline #rank16 · first try with the long clips' (notes on one line)."""
    tags = " ".join(f"#{tag}" for tag in run.tags)
    notes = " ".join(run.notes.split())
    return " · ".join(part for part in (tags, notes) if part)


def lineage_text(run: RunRecord) -> str | None:
    """Where the run came from and what happened to it, for the name's tooltip."""
    parts = []
    if run.parent_run_id is not None:
        parts.append(f"Continued from run {run.parent_run_id} (started from its adapter).")
    if run.resume_steps:
        steps = ", ".join(str(step) for step in run.resume_steps)
        parts.append(f"Resumed from step {steps}.")
    return "\n".join(parts) or None


def setting_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def run_duration(run: RunRecord, now: datetime | None = None) -> float | None:
    if run.started_at is None:
        return None
    end = run.finished_at or now or datetime.now(UTC)
    return max(0.0, (end - run.started_at).total_seconds())


def progress_text(run: RunRecord) -> str:
    if run.total_steps:
        percent = 100 * run.current_step / run.total_steps
        return f"{run.current_step} / {run.total_steps}  ({percent:.0f}%)"
    return str(run.current_step) if run.current_step else ""


def display_value(run: RunRecord, column: Column) -> Any:
    """What a fixed column shows for ``run`` (DisplayRole)."""
    if column == Column.NAME:
        return printable(run.name)
    if column == Column.STATUS:
        return run.status
    if column == Column.STARTED:
        return run.started_at.astimezone().strftime("%Y-%m-%d %H:%M") if run.started_at else ""
    if column == Column.DURATION:
        duration = run_duration(run)
        return "" if duration is None else duration_text(duration)
    if column == Column.PROGRESS:
        return progress_text(run)
    if column == Column.FINAL_LOSS:
        return "" if run.final_loss is None else f"{run.final_loss:.4f}"
    if column == Column.ADAPTER:
        return f"#{run.adapter_id}" if run.adapter_id else ""
    if column == Column.NOTES:
        return printable(notes_text(run))
    if column == Column.TARGET:  # the run target it trains on; "local": this machine
        return printable(run.target or "local")
    return None


def sort_key(run: RunRecord, column: Column) -> Any:
    """What a fixed column sorts ``run`` by."""
    if column == Column.STARTED:
        return run.started_at.timestamp() if run.started_at else 0.0
    if column == Column.DURATION:
        return run_duration(run) or 0.0
    if column == Column.PROGRESS:
        return run.current_step
    if column == Column.FINAL_LOSS:
        return float("inf") if run.final_loss is None else run.final_loss
    if column == Column.NAME:
        return run.id
    return display_value(run, column) or ""


def setting_key(value: Any) -> tuple[int, Any]:
    """Numbers before text, missing values last; never compares a number with text."""
    if isinstance(value, bool) or value is None:
        return (2, str(value)) if value is not None else (3, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def measured_cell(role: int, text: str, tooltip: str) -> Any:
    """A right-aligned figure with a tooltip that says what it measures."""
    if role == Qt.ItemDataRole.DisplayRole:
        return text
    if role == Qt.ItemDataRole.ToolTipRole:
        return tooltip
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return RIGHT_ALIGNED
    return None
