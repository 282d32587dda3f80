"""The Datasets dialog: import a folder, list datasets, inspect a dataset's clips."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import DatasetRecord
from musiclab_desktop.core.services.datasets import ImportReport
from musiclab_desktop.ui.change_notice import Change, notice_for
from musiclab_desktop.ui.dataset_import import DatasetImporter, ask_and_import, imported_message
from musiclab_desktop.ui.empty_state import EmptyState
from musiclab_desktop.ui.formatting import duration_text, plural
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.table_models import ClipTableModel, DatasetTableModel
from musiclab_desktop.ui.toast import show_toast
from musiclab_desktop.ui.widgets import muted_label, read_only_table, title_label

CAPTION_HELP = (
    "A dataset is a folder of audio clips (wav, flac, ogg, mp3) with a caption each: "
    "from metadata.csv or metadata.jsonl (file_name, text) or a .txt file beside the clip."
)




class DatasetsDialog(QDialog):
    def __init__(self, library: Library, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetsDialog")
        self.setWindowTitle("Datasets")
        self._library = library
        self._prompts = prompts
        self.importer = DatasetImporter(library, self)
        self.importer.finished.connect(self._on_imported)
        self.importer.failed.connect(
            lambda message: self._prompts.error(self, "Import failed", message))
        self.dataset_model = DatasetTableModel(self)
        self.clip_model = ClipTableModel(self)
        self._build()
        self.resize(1080, 640)
        self.reload()
        # Datasets imported elsewhere in the app (a picker, another dialog) show up here.
        notice_for(library).changed.connect(self._on_change)

    # --- building ------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addLayout(self._build_header())
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._build_browser())
        self._empty = EmptyState("datasets", "No datasets yet",
                                 "Import a folder of audio clips to train on. " + CAPTION_HELP,
                                 "Import folder…", self)
        self._empty.setObjectName("datasetsEmptyState")
        assert self._empty.button is not None
        self._empty.button.clicked.connect(self.start_import)
        self._stack.addWidget(self._empty)
        layout.addWidget(self._stack, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title_label("Datasets", self))
        help_label = muted_label(CAPTION_HELP, self)
        help_label.setWordWrap(True)
        text.addWidget(help_label)
        row.addLayout(text, 1)
        self.import_button = QPushButton(icon("folder-plus"), "Import folder…", self)
        self.import_button.setObjectName("importDatasetButton")
        self.import_button.setToolTip("Scan a folder of captioned clips and add it as a dataset")
        self.import_button.clicked.connect(self.start_import)
        row.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _build_browser(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        self.dataset_table = read_only_table("datasetTable", splitter)
        self.dataset_table.setModel(self.dataset_model)
        header = self.dataset_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.dataset_table.selectionModel().selectionChanged.connect(self._on_dataset_selected)
        splitter.addWidget(self.dataset_table)
        splitter.addWidget(self._build_clip_pane(splitter))
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([300, 740])
        return splitter

    def _build_clip_pane(self, parent: QWidget) -> QWidget:
        pane = QWidget(parent)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.setSpacing(4)
        self.dataset_title = title_label("", pane, factor=1.15)
        self.dataset_title.setObjectName("datasetTitle")
        self.dataset_summary = muted_label("", pane)
        self.dataset_summary.setObjectName("datasetSummary")
        self.dataset_summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dataset_summary.setWordWrap(True)
        layout.addWidget(self.dataset_title)
        layout.addWidget(self.dataset_summary)
        layout.addSpacing(6)
        self.clip_table = read_only_table("clipTable", pane)
        self.clip_table.setModel(self.clip_model)
        header = self.clip_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 170)
        header.resizeSection(3, 190)
        layout.addWidget(self.clip_table, 1)
        return pane

    # --- behaviour -----------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.datasets:
            self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Read the datasets again, selecting ``select_id`` (default: the one shown)."""
        if select_id is None and (shown := self.current_dataset()) is not None:
            select_id = shown.id
        datasets = self._library.datasets.list()
        self.dataset_model.set_records(datasets)
        self._stack.setCurrentIndex(0 if datasets else 1)
        row = next((i for i, d in enumerate(datasets) if d.id == select_id), 0)
        if datasets:
            self.dataset_table.selectRow(row)
        else:
            self._show_dataset(None)

    def select_dataset(self, dataset_id: int) -> None:
        self.reload(select_id=dataset_id)

    def start_import(self) -> bool:
        return ask_and_import(self, self._library, self._prompts, self.importer)

    def _on_imported(self, report: ImportReport) -> None:
        self.reload(select_id=report.dataset.id)
        show_toast(self, imported_message(report),
                   "warning" if report.problems else "check-circle")

    def _on_dataset_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        self._show_dataset(self.dataset_model.record_at(rows[0].row()) if rows else None)

    def _show_dataset(self, dataset: DatasetRecord | None) -> None:
        if dataset is None:
            self.dataset_title.setText("")
            self.dataset_summary.setText("")
            self.clip_model.set_records([])
            return
        items = self._library.datasets.items(dataset.id)
        self.clip_model.set_records(items)
        self._size_metadata_columns()
        self.dataset_title.setText(printable(dataset.name))
        self.dataset_summary.setText(_summary(dataset, sum(1 for i in items if i.problem)))

    def _size_metadata_columns(self) -> None:
        """The clips' metadata columns (genre, bpm, ...) start as wide as their text; the
        caption keeps the stretch."""
        header = self.clip_table.horizontalHeader()
        first = len(self.clip_model.fixed_columns)
        for column in range(first, self.clip_model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.clip_table.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column), 160))

    def current_dataset(self) -> DatasetRecord | None:
        return self.dataset_model.record_at(self.dataset_table.currentIndex().row())


def _summary(dataset: DatasetRecord, problems: int) -> str:
    parts = [
        plural(dataset.clip_count, "clip"),
        f"{dataset.usable_count:,} usable",
        f"{duration_text(dataset.total_duration)} of usable audio",
    ]
    if problems:
        parts.append(f"{plural(problems, 'clip')} with problems (tinted, not used for training)")
    return "  ·  ".join(parts) + f"\n{dataset.folder}"

