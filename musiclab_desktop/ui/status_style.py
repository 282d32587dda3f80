"""How the window shows each run and experiment status: one table of labels and colours.

Qt-free (colours are hex strings) so tests and non-widget code can read it. Badge
colours are fixed rather than taken from the palette: each is a saturated fill with
white text, readable on light and dark backgrounds alike. Run and experiment statuses
that share a value (RUNNING, COMPLETED, FAILED) share their look.
"""

from __future__ import annotations

from typing import NamedTuple

from musiclab_desktop.core.status import ExperimentStatus, RunStatus


class StatusStyle(NamedTuple):
    label: str
    colour: str


STATUS_STYLES: dict[str, StatusStyle] = {
    RunStatus.PENDING: StatusStyle("Queued", "#b45309"),
    RunStatus.RUNNING: StatusStyle("Training", "#2563eb"),
    RunStatus.COMPLETED: StatusStyle("Completed", "#15803d"),
    RunStatus.FAILED: StatusStyle("Failed", "#dc2626"),
    RunStatus.CANCELLED: StatusStyle("Cancelled", "#6b7280"),
    ExperimentStatus.DRAFT: StatusStyle("Draft", "#64748b"),
    ExperimentStatus.ARCHIVED: StatusStyle("Archived", "#8a8f98"),
}
_UNKNOWN_COLOUR = "#64748b"


def status_style(status: str) -> StatusStyle:
    """The look of ``status``; one the table does not know shows as its own word."""
    return STATUS_STYLES.get(status) or StatusStyle(status.title(), _UNKNOWN_COLOUR)
