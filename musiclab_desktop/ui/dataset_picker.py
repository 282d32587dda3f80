"""A combo box of imported datasets that can also import a folder on the spot."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.datasets import ImportReport
from musiclab_desktop.ui.change_notice import Change, notice_for
from musiclab_desktop.ui.dataset_import import DatasetImporter, ask_and_import, imported_message
from musiclab_desktop.ui.formatting import plural
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.toast import show_toast

_IMPORT = "import"


class DatasetPicker(QComboBox):
    """"No dataset", every imported dataset, then "Import folder…" which imports right here."""

    imported = Signal(object)  # ImportReport

    def __init__(self, library: Library, prompts: Prompts, parent: QWidget | None = None,
                 allow_none: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("datasetCombo")
        self.setToolTip("The captioned audio clips this experiment trains on")
        self._library = library
        self._prompts = prompts
        self._allow_none = allow_none
        self._previous = 0
        self.importer = DatasetImporter(library, self)
        self.importer.finished.connect(self._on_imported)
        self.importer.failed.connect(self._on_import_failed)
        self.activated.connect(self._on_activated)
        self.reload()
        # Datasets imported elsewhere in the app (the Datasets dialog, another picker).
        notice_for(library).changed.connect(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.datasets:
            self.reload()

    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.dataset_id()
        self.blockSignals(True)
        self.clear()
        if self._allow_none:
            self.addItem("No dataset (link one later)", None)
        for dataset in self._library.datasets.list():
            clips = plural(dataset.usable_count, "usable clip")
            self.addItem(icon("datasets"), f"{printable(dataset.name)}  ({clips})", dataset.id)
        self.insertSeparator(self.count())
        self.addItem(icon("folder-plus"), "Import folder…", _IMPORT)
        self.blockSignals(False)
        self.select_dataset(keep)

    def dataset_id(self) -> int | None:
        data = self.currentData()
        return data if isinstance(data, int) else None

    def select_dataset(self, dataset_id: int | None) -> None:
        index = self.findData(dataset_id) if dataset_id is not None else -1
        if index < 0:
            # "No dataset" or the first dataset; never the separator or "Import folder…".
            index = 0 if self._allow_none or isinstance(self.itemData(0), int) else -1
        self.setCurrentIndex(index)
        self._previous = index

    def start_import(self) -> bool:
        """Ask for a folder and import it (what choosing "Import folder…" does)."""
        return ask_and_import(self.window(), self._library, self._prompts, self.importer)

    def _on_activated(self, index: int) -> None:
        if self.itemData(index) != _IMPORT:
            self._previous = index
            return
        # Back to what was chosen before; the new dataset is selected when it arrives.
        self.setCurrentIndex(self._previous)
        self.start_import()

    def _on_imported(self, report: ImportReport) -> None:
        self.reload(select_id=report.dataset.id)
        show_toast(self, imported_message(report))
        self.imported.emit(report)

    def _on_import_failed(self, message: str) -> None:
        self._prompts.error(self.window(), "Import failed", message)

