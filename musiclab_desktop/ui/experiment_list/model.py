"""ExperimentListModel: the experiments of the list as a Qt model over plain records."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QPalette

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.formatting import loss_text, relative_time
from musiclab_desktop.ui.status_badge import badge_colour, badge_label

AnyIndex = QModelIndex | QPersistentModelIndex


class ExperimentRoles(IntEnum):
    Record = Qt.ItemDataRole.UserRole + 1
    Id = Qt.ItemDataRole.UserRole + 2
    Status = Qt.ItemDataRole.UserRole + 3
    BadgeText = Qt.ItemDataRole.UserRole + 4
    BadgeColour = Qt.ItemDataRole.UserRole + 5
    Archived = Qt.ItemDataRole.UserRole + 6
    Subtitle = Qt.ItemDataRole.UserRole + 7
    Updated = Qt.ItemDataRole.UserRole + 8


def muted_colour() -> Any:
    return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)


def subtitle(record: ExperimentRecord) -> str:
    dataset = printable(record.dataset_name) if record.dataset_name else "No dataset"
    if record.best_loss is None:
        return dataset
    return f"{dataset}  ·  best loss {loss_text(record.best_loss)}"


class ExperimentListModel(QAbstractListModel):
    """One row per ExperimentRecord, in the order the service listed them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[ExperimentRecord] = []
        self._rows: dict[int, int] = {}

    # --- reading -------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        return self._role_value(record, role)

    @staticmethod
    def _role_value(record: ExperimentRecord, role: int) -> Any:
        match role:
            case Qt.ItemDataRole.DisplayRole:
                return printable(record.name)
            case Qt.ItemDataRole.ToolTipRole:
                return record.description or printable(record.name)
            case Qt.ItemDataRole.AccessibleTextRole:
                return f"{printable(record.name)}, {badge_label(record.status)}, {subtitle(record)}"
            case Qt.ItemDataRole.ForegroundRole:
                # Archived rows read as set aside: the palette's muted text colour.
                return muted_colour() if record.archived else None
            case ExperimentRoles.Record:
                return record
            case ExperimentRoles.Id:
                return record.id
            case ExperimentRoles.Status:
                return record.status
            case ExperimentRoles.BadgeText:
                return badge_label(record.status)
            case ExperimentRoles.BadgeColour:
                return badge_colour(record.status)
            case ExperimentRoles.Archived:
                return record.archived
            case ExperimentRoles.Subtitle:
                return subtitle(record)
            case ExperimentRoles.Updated:
                return relative_time(record.updated_at)
        return None

    def record_at(self, row: int) -> ExperimentRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, experiment_id: int) -> int:
        """The row showing ``experiment_id``, or -1."""
        return self._rows.get(experiment_id, -1)

    def records(self) -> list[ExperimentRecord]:
        return list(self._records)

    # --- changing ------------------------------------------------------------

    def set_records(self, records: list[ExperimentRecord]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._reindex()
        self.endResetModel()

    def update_record(self, record: ExperimentRecord) -> None:
        row = self.row_of(record.id)
        if row < 0:
            return
        self._records[row] = record
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def remove(self, experiment_id: int) -> None:
        row = self.row_of(experiment_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._records[row]
        self._reindex()
        self.endRemoveRows()

    def _reindex(self) -> None:
        self._rows = {record.id: row for row, record in enumerate(self._records)}
