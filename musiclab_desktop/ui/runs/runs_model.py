"""The runs table: one row per run of the selected experiment, updated live.

Rows are RunRecord snapshots from core. The runner's signals replace a row's record
(status changes) or patch its progress in place; nothing here reads the database.
Only finished runs can be checked, because only they can be deleted or compared.

The model sorts itself (``sort``) instead of sitting behind a QSortFilterProxyModel:
a proxy sorts through one Python ``data()`` call per comparison, tens of thousands
per experiment switch, where a list sort with a key costs a millisecond.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from musiclab_desktop.core.checkpoints import size_text
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.ui.runs.run_columns import (
    HEADERS,
    RUN_ID_ROLE,
    STATUS_ROLE,
    Column,
    display_value,
    lineage_text,
    measured_cell,
    setting_key,
    setting_text,
    sort_key,
)

# The columns and roles are re-exported: views and tests name them with the model.
__all__ = ["RUN_ID_ROLE", "STATUS_ROLE", "Column", "Index", "RunPredicate", "RunsTableModel"]

Index = QModelIndex | QPersistentModelIndex

DISK_TIP = ("Disk space of this run's folder: checkpoints, the encoded-audio cache, samples "
            "and logs (the registered adapter is not counted).")
RATING_TIP = "Mean rating of this run's samples (rate them in the Samples tab)."
# Whether a run shows under the filter box's text (see run_matching.py).
RunPredicate = Callable[[RunRecord], bool]


class RunsTableModel(QAbstractTableModel):
    """Runs of one experiment with a check column for batch actions."""

    checkedChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._runs: list[RunRecord] = []
        self._rows: dict[int, int] = {}  # run id -> row
        self._checked: set[int] = set()
        self._sort_column: int | None = None
        self._sort_order = Qt.SortOrder.AscendingOrder
        # Runs the filter box hides (id -> record), kept up to date like shown rows.
        self._hidden: dict[int, RunRecord] = {}
        self._filter: RunPredicate | None = None
        # Settings shown as extra columns after the fixed ones, and each run's settings.
        self._setting_columns: list[str] = []
        self._settings: dict[int, Mapping[str, Any]] = {}
        # Mean listener rating (1-5) of each run's rated samples.
        self._ratings: dict[int, float] = {}
        # Bytes each run's folder takes (checkpoints, caches, samples), measured off the
        # GUI thread (ui/runs/disk_use.py).
        self._disk: dict[int, int] = {}
        # Runs on a target that their scheduler keeps waiting: the scheduler's words.
        self._target_notes: dict[int, str] = {}

    # --- contents -----------------------------------------------------------

    def set_runs(self, runs: list[RunRecord]) -> None:
        self.beginResetModel()
        shown = [run for run in runs if self._accepts(run)]
        self._hidden = {run.id: run for run in runs if not self._accepts(run)}
        self._runs = self._sorted(shown)
        self._reindex()
        self._checked &= {run.id for run in shown if run.is_terminal}
        self.endResetModel()
        self.checkedChanged.emit()

    def runs(self) -> list[RunRecord]:
        """Every run of the experiment, those the filter hides too."""
        return [*self._runs, *self._hidden.values()]

    def shown_count(self) -> int:
        return len(self._runs)

    def has_run(self, run_id: int) -> bool:
        """Shown, or hidden by the filter."""
        return run_id in self._rows or run_id in self._hidden

    # --- filter and setting columns ----------------------------------------------

    def set_filter(self, predicate: RunPredicate | None) -> None:
        """Show only the runs ``predicate`` accepts (None: all); checks of hidden runs go."""
        self._filter = predicate
        self.set_runs(self.runs())

    def _accepts(self, run: RunRecord) -> bool:
        return self._filter is None or self._filter(run)

    def set_run_settings(self, settings: Mapping[int, Mapping[str, Any]]) -> None:
        """Each run's effective settings (what setting columns show), merged in."""
        self._settings = {**self._settings, **settings}
        if self._setting_columns and self._runs:
            self.dataChanged.emit(self.index(0, len(Column)),
                                  self.index(len(self._runs) - 1, self.columnCount() - 1))

    def run_settings(self, run_id: int) -> Mapping[str, Any]:
        """The run's settings as read so far (empty until read)."""
        return self._settings.get(run_id, {})

    def set_ratings(self, ratings: Mapping[int, float], run_ids: set[int]) -> None:
        """The mean ratings of ``run_ids`` (those missing from ``ratings``: unrated)."""
        for run_id in run_ids:
            self._ratings.pop(run_id, None)
        self._ratings.update(ratings)
        if self._runs:
            self.dataChanged.emit(self.index(0, Column.RATING),
                                  self.index(len(self._runs) - 1, Column.RATING))

    def set_disk_use(self, sizes: Mapping[int, int]) -> None:
        self._disk.update(sizes)
        if self._runs:
            self.dataChanged.emit(self.index(0, Column.DISK),
                                  self.index(len(self._runs) - 1, Column.DISK))

    def disk_use_of(self, run_id: int) -> int | None:
        return self._disk.get(run_id)

    def rating_of(self, run_id: int) -> float | None:
        return self._ratings.get(run_id)

    def has_settings_of(self, run_ids: set[int]) -> bool:
        return run_ids <= self._settings.keys()

    def set_setting_columns(self, names: list[str]) -> None:
        """Show these settings as columns after the fixed ones."""
        if names == self._setting_columns:
            return
        if self._sort_column is not None and self._sort_column >= len(Column):
            self._sort_column = None  # the sorted column may be going
        self.beginResetModel()
        self._setting_columns = list(names)
        self.endResetModel()

    def setting_columns(self) -> list[str]:
        return list(self._setting_columns)

    def setting_of(self, column: int) -> str | None:
        """The setting a column shows, None for the fixed columns."""
        extra = column - len(Column)
        return self._setting_columns[extra] if 0 <= extra < len(self._setting_columns) else None

    def run_at(self, row: int) -> RunRecord:
        return self._runs[row]

    def row_of(self, run_id: int) -> int | None:
        return self._rows.get(run_id)

    def upsert(self, run: RunRecord) -> None:
        """Replace the run's row, or append it when it is new."""
        row = self.row_of(run.id)
        if not self._accepts(run):
            self._hidden[run.id] = run
            if row is not None:  # no longer matches the filter
                self.remove_runs({run.id}, keep_hidden=True)
            return
        self._hidden.pop(run.id, None)
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

    def remove_runs(self, run_ids: set[int], keep_hidden: bool = False) -> None:
        if not keep_hidden:
            for run_id in run_ids:
                self._hidden.pop(run_id, None)
        for row in reversed(range(len(self._runs))):
            if self._runs[row].id in run_ids:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._runs[row]
                self._reindex()
                self.endRemoveRows()
        if self._checked & run_ids:
            self._checked -= run_ids
            self.checkedChanged.emit()

    def set_target_phase(self, run_id: int, _phase: str, message: str) -> None:
        """A run on a target says where it stands: while its scheduler keeps it waiting
        the Target cell reads "queued" with the scheduler's reason (runner/targets)."""
        row = self.row_of(run_id)
        if row is None or not self._runs[row].target:
            return
        queued = message if message.startswith("Queued on ") else None
        if self._target_notes.get(run_id) == queued:
            return
        if queued is None:
            self._target_notes.pop(run_id, None)
        else:
            self._target_notes[run_id] = queued
        self.dataChanged.emit(self.index(row, Column.TARGET), self.index(row, Column.TARGET))

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
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _reindex(self) -> None:
        self._rows = {run.id: row for row, run in enumerate(self._runs)}

    # --- sorting ------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (the view calls this when a header is clicked); rows keep
        their selection and their checks."""
        self._sort_column = column if 0 <= column < self.columnCount() else None
        self._sort_order = order
        self._reorder()

    def _key(self, run: RunRecord) -> Any:
        assert self._sort_column is not None
        setting = self.setting_of(self._sort_column)
        if setting is not None:
            return setting_key(self._settings.get(run.id, {}).get(setting))
        if self._sort_column == Column.RATING:
            return self._ratings.get(run.id, 0.0)  # unrated below the worst rated
        if self._sort_column == Column.DISK:
            return self._disk.get(run.id, 0)
        return sort_key(run, Column(self._sort_column))

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
        return 0 if parent.isValid() else len(Column) + len(self._setting_columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        setting = self.setting_of(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return setting if setting is not None else HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole and setting is not None:
            return f"The setting {setting} each run trained with"
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
        if role == RUN_ID_ROLE:
            return run.id
        setting = self.setting_of(index.column())
        if setting is not None:
            return self._setting_data(run, setting, role)
        column = Column(index.column())
        if role == STATUS_ROLE:
            return run.status
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.CHECK:
            if not run.is_terminal:
                return None
            checked = run.id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if column == Column.RATING:
            return self._rating_data(run.id, role)
        if column == Column.DISK:
            return self._disk_data(run.id, role)
        if column == Column.TARGET and run.id in self._target_notes:
            note = self._target_notes[run.id]
            if role == Qt.ItemDataRole.DisplayRole:  # "... PENDING: Resources)": the reason
                reason = note.rstrip(")").rsplit(": ", 1)[1] if ": " in note else ""
                return printable(f"{run.target} · queued" + (f": {reason}" if reason else ""))
            if role == Qt.ItemDataRole.ToolTipRole:
                return printable(note)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_value(run, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.STATUS and run.error:
            return run.error
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME:
            return lineage_text(run)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.NOTES and (
                run.notes or run.tags):
            tags = ", ".join(run.tags) or "none"
            return f"Tags: {tags}\n\n{run.notes}".rstrip()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.DURATION, Column.PROGRESS, Column.FINAL_LOSS
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _disk_data(self, run_id: int, role: int) -> Any:
        size = self._disk.get(run_id)
        if size is None:
            return None
        return measured_cell(role, size_text(size), DISK_TIP)

    def _rating_data(self, run_id: int, role: int) -> Any:
        rating = self._ratings.get(run_id)
        if rating is None:
            return None
        return measured_cell(role, f"{rating:.1f} ★", RATING_TIP)

    def _setting_data(self, run: RunRecord, setting: str, role: int) -> Any:
        settings = self._settings.get(run.id)
        if settings is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return setting_text(settings.get(setting))
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(
                settings.get(setting), int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != Column.CHECK:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        return self.set_checked(self._runs[index.row()].id, checked)

