"""The main window's view-model: what the list shows, and every change made to experiments.

Widgets call these methods instead of the core services, so the list model stays in
step with the database in one place. Errors from core (MusiclabError) pass through
unchanged for the caller to show as a sentence.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import AdapterRecord, DatasetRecord, ExperimentRecord
from musiclab_desktop.ui.experiment_list.model import ExperimentListModel


class ExperimentsController(QObject):
    """Holds the list filter and applies changes to core, then to the list model."""

    # The experiment as it is now, after a change made through this controller.
    experimentChanged = Signal(object)
    # Emitted after the list was reloaded (filter change, creation, refresh).
    listReloaded = Signal()

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.model = ExperimentListModel(self)
        self._show_archived = False
        self._search = ""

    # --- the list ------------------------------------------------------------

    @property
    def show_archived(self) -> bool:
        return self._show_archived

    @property
    def search(self) -> str:
        return self._search

    def set_show_archived(self, show: bool) -> None:
        if show != self._show_archived:
            self._show_archived = show
            self.reload()

    def set_search(self, text: str) -> None:
        if text.strip() != self._search:
            self._search = text.strip()
            self.reload()

    def reload(self) -> None:
        records = self.library.experiments.list(
            include_archived=self._show_archived, search=self._search
        )
        self.model.set_records(records)
        self.listReloaded.emit()

    def has_any_experiment(self) -> bool:
        """False only when the library holds no experiment at all, archived included."""
        if self.model.rowCount():
            return True
        return bool(self.library.experiments.list(include_archived=True))

    def get(self, experiment_id: int) -> ExperimentRecord:
        return self.library.experiments.get(experiment_id)

    # --- changes -------------------------------------------------------------

    def create(self, name: str, description: str, dataset_id: int | None,
               config: dict[str, Any] | None) -> ExperimentRecord:
        record = self.library.experiments.create(
            name, description=description, dataset_id=dataset_id, config=config
        )
        self.reload()
        return record

    def archive(self, experiment_id: int) -> ExperimentRecord:
        record = self.library.experiments.archive(experiment_id)
        self._apply(record, keep=self._show_archived)
        return record

    def unarchive(self, experiment_id: int) -> ExperimentRecord:
        record = self.library.experiments.unarchive(experiment_id)
        self._apply(record, keep=True)
        return record

    def update_config(self, experiment_id: int, config: dict[str, Any]) -> ExperimentRecord:
        record = self.library.experiments.update(experiment_id, config=config)
        self._apply(record, keep=True)
        return record

    def link_dataset(self, experiment_id: int, dataset_id: int | None) -> ExperimentRecord:
        record = self.library.experiments.update(experiment_id, dataset_id=dataset_id)
        self._apply(record, keep=True)
        return record

    def refresh(self, experiment_id: int) -> None:
        """Read the experiment again after a change elsewhere (a run started or ended)."""
        record = self.library.experiments.get(experiment_id)
        self._apply(record, keep=not record.archived or self.show_archived)

    def _apply(self, record: ExperimentRecord, *, keep: bool) -> None:
        if keep:
            self.model.update_record(record)
        else:
            self.model.remove(record.id)
        self.experimentChanged.emit(record)

    # --- what the detail view reads -----------------------------------------------

    def datasets(self) -> list[DatasetRecord]:
        return self.library.datasets.list()

    def dataset(self, dataset_id: int) -> DatasetRecord:
        return self.library.datasets.get(dataset_id)

    def adapters(self, experiment_id: int) -> list[AdapterRecord]:
        return self.library.adapters.list(experiment_id)
