"""The runs table: one row per run of the selected experiment, updated live.

Rows are RunRecord snapshots from core. The runner's signals replace a row's record
(status changes) or patch its progress in place; nothing here reads the database.
Only finished runs can be checked, because only they can be deleted or compared.

The model sorts itself (``sort``) instead of sitting behind a QSortFilterProxyModel:
a proxy sorts through one Python ``data()`` call per comparison, tens of thousands
per experiment switch, where a list sort with a key costs a millisecond.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.ui.formatting import duration_text

Index = QModelIndex | QPersistentModelIndex

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
    ACTIONS = 8


HEADERS = {
    Column.CHECK: "",
    Column.NAME: "Run",
    Column.STATUS: "Status",
    Column.STARTED: "Started",
    Column.DURATION: "Duration",
    Column.PROGRESS: "Progress",
    Column.FINAL_LOSS: "Final loss",
    Column.ADAPTER: "Adapter",
    Column.ACTIONS: "",
}


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


class RunsTableModel(QAbstractTableModel):
    """Runs of one experiment with a check column for batch actions."""

    checkedChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._runs: list[RunRecord] = []
        self._rows: dict[int, int] = {}  # run id -> row
        self._checked: set[int] = set()
        self._sort_column: Column | None = None
        self._sort_order = Qt.SortOrder.AscendingOrder

    # --- contents -----------------------------------------------------------

    def set_runs(self, runs: list[RunRecord]) -> None:
        self.beginResetModel()
        self._runs = self._sorted(runs)
        self._reindex()
        self._checked &= {run.id for run in runs if run.is_terminal}
        self.endResetModel()
        self.checkedChanged.emit()

    def runs(self) -> list[RunRecord]:
        return list(self._runs)

    def run_at(self, row: int) -> RunRecord:
        return self._runs[row]

    def row_of(self, run_id: int) -> int | None:
        return self._rows.get(run_id)

    def upsert(self, run: RunRecord) -> None:
        """Replace the run's row, or append it when it is new."""
        row = self.row_of(run.id)
        if row is None:
            row = self._insertion_row(run)
            self.beginInsertRows(QModelIndex(), row, row)
            self._runs.insert(row, run)
            self._reindex()
            self.endInsertRows()
            return
        self._runs[row] = run
        if not run.is_terminal and run.id in self._checked:
            self._checked.discard(run.id)
            self.checkedChanged.emit()
        self._row_changed(row)
        self._keep_sorted(row)

    def remove_runs(self, run_ids: set[int]) -> None:
        for row in reversed(range(len(self._runs))):
            if self._runs[row].id in run_ids:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._runs[row]
                self._reindex()
                self.endRemoveRows()
        if self._checked & run_ids:
            self._checked -= run_ids
            self.checkedChanged.emit()

    def set_progress(self, run_id: int, step: int, total: int) -> None:
        row = self.row_of(run_id)
        if row is None:
            return
        self._runs[row] = self._runs[row]._replace(current_step=step, total_steps=total or None)
        self.dataChanged.emit(self.index(row, Column.PROGRESS), self.index(row, Column.PROGRESS))
        self._keep_sorted(row)

    def refresh_durations(self) -> None:
        """Running rows' duration ticks; called by the page's one-second timer."""
        for row, run in enumerate(self._runs):
            if run.status == RunStatus.RUNNING:
                index = self.index(row, Column.DURATION)
                self.dataChanged.emit(index, index)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _reindex(self) -> None:
        self._rows = {run.id: row for row, run in enumerate(self._runs)}

    # --- sorting ------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (the view calls this when a header is clicked); rows keep
        their selection and their checks."""
        self._sort_column = Column(column) if 0 <= column < len(Column) else None
        self._sort_order = order
        self._reorder()

    def _key(self, run: RunRecord) -> Any:
        assert self._sort_column is not None
        return self._sort_key(run, self._sort_column)

    def _sorted(self, runs: list[RunRecord]) -> list[RunRecord]:
        if self._sort_column is None:
            return list(runs)
        # Stable, so equal keys keep the order core listed them in (oldest first).
        return sorted(runs, key=self._key,
                      reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    def _in_order(self, first: RunRecord, second: RunRecord) -> bool:
        a, b = self._key(first), self._key(second)
        return a >= b if self._sort_order == Qt.SortOrder.DescendingOrder else a <= b

    def _insertion_row(self, run: RunRecord) -> int:
        if self._sort_column is None:
            return len(self._runs)
        return next((row for row, other in enumerate(self._runs)
                     if not self._in_order(other, run)), len(self._runs))

    def _keep_sorted(self, row: int) -> None:
        """A changed row that now sits out of order moves (a status or progress sort)."""
        if self._sort_column is None:
            return
        run = self._runs[row]
        before_ok = row == 0 or self._in_order(self._runs[row - 1], run)
        after_ok = row == len(self._runs) - 1 or self._in_order(run, self._runs[row + 1])
        if not (before_ok and after_ok):
            self._reorder()

    def _reorder(self) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self._runs[index.row()].id for index in old]
        self._runs = self._sorted(self._runs)
        self._reindex()
        self.changePersistentIndexList(
            old, [self.index(self._rows[run_id], index.column()) for run_id, index in zip(
                ids, old, strict=True)])
        self.layoutChanged.emit()

    # --- checking -----------------------------------------------------------

    def checked_ids(self) -> list[int]:
        """Checked runs, oldest first whatever the table's sort order."""
        return sorted(self._checked & self._rows.keys())

    def set_checked(self, run_id: int, checked: bool) -> bool:
        row = self.row_of(run_id)
        if row is None or (checked and not self._runs[row].is_terminal):
            return False
        if checked:
            self._checked.add(run_id)
        else:
            self._checked.discard(run_id)
        index = self.index(row, Column.CHECK)
        self.dataChanged.emit(index, index)
        self.checkedChanged.emit()
        return True

    # --- Qt model interface -------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == Column.CHECK and self._runs[index.row()].is_terminal:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        run = self._runs[index.row()]
        column = Column(index.column())
        if role == RUN_ID_ROLE:
            return run.id
        if role == STATUS_ROLE:
            return run.status
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.CHECK:
            if not run.is_terminal:
                return None
            checked = run.id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(run, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.STATUS and run.error:
            return run.error
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.DURATION, Column.PROGRESS, Column.FINAL_LOSS
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != Column.CHECK:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        return self.set_checked(self._runs[index.row()].id, checked)

    @staticmethod
    def _display(run: RunRecord, column: Column) -> Any:
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
        return None

    @staticmethod
    def _sort_key(run: RunRecord, column: Column) -> Any:
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
        return RunsTableModel._display(run, column) or ""
