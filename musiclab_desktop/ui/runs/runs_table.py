"""The runs table's view: fixed row heights, starting column widths, one highlighted row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from musiclab_desktop.ui.runs.runs_delegate import (
    ACTION_WIDTH,
    ROW_HEIGHT,
    RunsDelegate,
    status_column_width,
)
from musiclab_desktop.ui.runs.runs_model import Column, RunsTableModel

CELL_PADDING = 10


def build_runs_table(model: RunsTableModel, parent: QWidget) -> tuple[QTableView, RunsDelegate]:
    table = QTableView(parent)
    table.setObjectName("runsTable")
    table.setModel(model)  # the model sorts itself: see RunsTableModel.sort
    delegate = RunsDelegate(table)
    table.setItemDelegate(delegate)
    table.setSortingEnabled(True)
    table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    # One highlighted row: it picks the run the terminal shows. Batch actions use
    # the check boxes instead.
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)  # one line a row: long notes are elided, whole in the tooltip
    # Fixed row heights and column widths: sizing to contents asks the delegate for
    # every cell of every row (thousands of calls per experiment switch).
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setMinimumSectionSize(28)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in column_widths(table.font()).items():
        header.resizeSection(column, width)
    header.setSectionResizeMode(Column.CHECK, QHeaderView.ResizeMode.Fixed)
    header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
    # Where a run trains matters while it runs: shown beside its status.
    header.moveSection(header.visualIndex(Column.TARGET), header.visualIndex(Column.STATUS) + 1)
    return table, delegate


def column_widths(font: QFont) -> dict[Column, int]:
    """Starting widths that fit each column's widest usual text (the user may resize)."""
    metrics = QFontMetrics(font)

    def fit(*samples: str) -> int:
        return max(metrics.horizontalAdvance(text) for text in samples) + 2 * CELL_PADDING

    return {
        Column.CHECK: 32,
        Column.STATUS: status_column_width(font),
        Column.STARTED: fit("Started", "2026-12-31 23:59"),
        Column.DURATION: fit("Duration", "10:59:59"),
        Column.PROGRESS: fit("Progress", "10000 / 10000  (100%)"),
        Column.FINAL_LOSS: fit("Final loss", "10.0000"),
        Column.ADAPTER: fit("Adapter", "#10000"),
        Column.NOTES: fit("Tags and notes", "#baseline · long clips"),
        Column.DISK: fit("Disk", "999.9 MB"),
        Column.TARGET: fit("Target", "cluster · queued: Resources"),
        Column.ACTIONS: ACTION_WIDTH,
    }
