"""Stands in the Runs tab until the runs page is plugged in (DetailView.set_runs_page)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from musiclab_desktop.ui.empty_state import EmptyState


def runs_placeholder(parent: QWidget | None = None) -> QWidget:
    page = EmptyState(
        "runs", "Training runs",
        "The runs of this experiment, their live terminal and loss curves will be listed here.",
        parent=parent,
    )
    page.setObjectName("runsPlaceholder")
    return page
