"""Read-only table models over record lists: datasets, their clips, adapters.

Each is a RecordTableModel with its columns declared as (header, how to show a record),
so a table is a few lines and every one sorts, tooltips and aligns the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import AdapterRecord, DatasetItemRecord, DatasetRecord
from musiclab_desktop.ui.formatting import (
    clip_length_text,
    duration_text,
    local_datetime,
    loss_text,
)
from musiclab_desktop.ui.resources import coloured_pixmap

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex
RecordRole = Qt.ItemDataRole.UserRole + 1
# Translucent, so the row keeps the palette's text colour readable in light and dark.
PROBLEM_BACKGROUND = QColor(229, 72, 77, 46)
PROBLEM_ICON_COLOUR = QColor("#e5484d")


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    numeric: bool = False
    tooltip: Callable[[R], str] | None = None


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Rows are records, columns are declared; nothing here can be edited."""

    columns: Sequence[Column[Any]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[R] = []

    def set_records(self, records: Sequence[R]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record_at(self, row: int) -> R | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def records(self) -> list[R]:
        return list(self._records)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = self.columns[section].numeric
            return int(Qt.AlignmentFlag.AlignVCenter | (
                Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft))
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record_at(index.row()) if index.isValid() else None
        if record is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(record) if column.tooltip else column.text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RecordRole:
            return record
        return self.extra_data(record, index.column(), role)

    def extra_data(self, record: R, column: int, role: int) -> Any:
        return None


class DatasetTableModel(RecordTableModel[DatasetRecord]):
    columns = (
        Column("Name", lambda d: printable(d.name), tooltip=lambda d: d.folder),
        Column("Clips", lambda d: f"{d.clip_count:,}", numeric=True),
        Column("Usable", lambda d: f"{d.usable_count:,}", numeric=True),
        Column("Duration", lambda d: duration_text(d.total_duration), numeric=True),
    )


class ClipTableModel(RecordTableModel[DatasetItemRecord]):
    """A dataset's clips; a clip with a problem is tinted and carries a warning sign.
    Metadata columns the import kept (genre, bpm, ...) follow the fixed ones."""

    fixed_columns: tuple[Column[DatasetItemRecord], ...] = (
        Column("File", lambda c: printable(c.file_name), tooltip=lambda c: c.path),
        Column("Duration", lambda c: clip_length_text(c.duration), numeric=True),
        Column("Caption", lambda c: printable(c.caption or "")),
        # The cell gives the gist ("no caption"); the tooltip gives the whole sentence.
        Column("Problem", lambda c: (c.problem or "").split(":")[0],
               tooltip=lambda c: f"Not used for training: {c.problem}" if c.problem else ""),
    )
    columns: Sequence[Column[DatasetItemRecord]] = fixed_columns

    def set_records(self, records: Sequence[DatasetItemRecord]) -> None:
        self.columns = self.fixed_columns + tuple(
            _extra_column(key) for key in extra_keys(records))
        super().set_records(records)

    def extra_names(self) -> list[str]:
        return [column.header for column in self.columns[len(self.fixed_columns):]]

    def extra_data(self, record: DatasetItemRecord, column: int, role: int) -> Any:
        if not record.problem:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return PROBLEM_BACKGROUND
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return coloured_pixmap("warning", PROBLEM_ICON_COLOUR, 16)
        return None


def extra_keys(records: Sequence[DatasetItemRecord]) -> list[str]:
    """Every metadata name the clips carry, in the order first seen."""
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record.extra or {}))
    return list(keys)


def _metadata_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return printable(str(value))


def _extra_column(key: str) -> Column[DatasetItemRecord]:
    numeric = key.lower() in {"bpm", "tempo", "year", "duration", "sample_rate"}
    return Column(printable(key), lambda c: _metadata_text((c.extra or {}).get(key)),
                  numeric=numeric)


class AdapterTableModel(RecordTableModel[AdapterRecord]):
    columns = (
        Column("Name", lambda a: printable(a.name)),
        Column("LoRA rank", lambda a: str(a.lora_r), numeric=True,
               tooltip=lambda a: f"r = {a.lora_r}, alpha = {a.lora_alpha}; "
                                 f"layers {a.lora_targets}"),
        Column("Final loss", lambda a: loss_text(a.final_loss), numeric=True),
        Column("Base model", lambda a: a.base_model),
        Column("Created", lambda a: local_datetime(a.created_at)),
        Column("Path", lambda a: a.path),
    )
