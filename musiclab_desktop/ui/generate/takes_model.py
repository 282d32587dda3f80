"""The takes a Generate panel has made, newest last, labelled by what made them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import GenerationRecord

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Take:
    record: GenerationRecord
    source: str  # "adapter-name" or "base"

    def text(self) -> str:
        prompt = printable(self.record.prompt)
        shown = prompt if len(prompt) <= 60 else prompt[:59] + "…"
        return (f"{printable(self.source)} · “{shown}” · take {self.record.take + 1} · seed "
                f"{self.record.seed} · {self.record.seconds:.1f} s")


class TakesModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._takes: list[Take] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._takes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._takes):
            return None
        take = self._takes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return take.text()
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{printable(take.record.prompt)}\n{take.record.file}"
        return None

    def add(self, take: Take) -> int:
        row = len(self._takes)
        self.beginInsertRows(QModelIndex(), row, row)
        self._takes.append(take)
        self.endInsertRows()
        return row

    def take_at(self, row: int) -> Take | None:
        return self._takes[row] if 0 <= row < len(self._takes) else None

    def takes(self) -> list[Take]:
        return list(self._takes)
