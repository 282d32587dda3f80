"""The settings that differ between compared runs, side by side."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from musiclab_desktop.core.config import field_spec


def differing_settings(configs: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    """Setting name -> each run's value, for the settings whose values are not all equal."""
    names = list(configs)
    keys = sorted({key for config in configs.values() for key in config})
    rows = {}
    for key in keys:
        values = [configs[name].get(key) for name in names]
        if any(value != values[0] for value in values[1:]):
            rows[key] = values
    return rows


class ConfigComparisonView(QTableView):
    """Rows are differing settings (labelled as in the forms), columns are runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("configComparison")
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def show_configs(self, configs: dict[str, dict[str, Any]]) -> None:
        rows = differing_settings(configs)
        self._model.clear()
        self._model.setHorizontalHeaderLabels(list(configs))
        for key, values in rows.items():
            items = [QStandardItem(str(value)) for value in values]
            self._model.appendRow(items)
            self._model.setVerticalHeaderItem(self._model.rowCount() - 1,
                                              QStandardItem(_label(key)))
        if not rows:
            self._model.appendRow([QStandardItem("same settings") for _ in configs])
            self._model.setVerticalHeaderItem(0, QStandardItem("All settings"))
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its rows (a few settings differ, usually), not a box of blank space."""
        self.resizeRowsToContents()
        rows = sum(self.rowHeight(row) for row in range(self._model.rowCount()))
        frame = 2 * self.frameWidth() + self.horizontalHeader().sizeHint().height()
        self.setFixedHeight(min(rows + frame + 2, 240))

    def row_labels(self) -> list[str]:
        return [self._model.verticalHeaderItem(i).text() for i in range(self._model.rowCount())]


def _label(key: str) -> str:
    try:
        return field_spec(key).label
    except KeyError:
        return key
