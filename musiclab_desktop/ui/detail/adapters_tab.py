"""The Adapters tab: the LoRA adapters this experiment's completed runs produced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import AdapterRecord
from musiclab_desktop.ui.empty_state import EmptyState
from musiclab_desktop.ui.formatting import plural
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.table_models import AdapterTableModel
from musiclab_desktop.ui.widgets import heading_label, muted_label, read_only_table

FolderOpener = Callable[[Path], bool]


def open_in_file_manager(folder: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class AdaptersTab(QWidget):
    """Lists the adapters; Generate, Export and Merge are asked of whoever holds the
    generation worker and the training interpreter (the main window's GenerateActions)."""

    generateRequested = Signal(int)  # adapter id
    exportRequested = Signal(object)  # AdapterRecord
    mergeRequested = Signal(object)  # AdapterRecord

    def __init__(self, prompts: Prompts, parent: QWidget | None = None,
                 open_folder: FolderOpener = open_in_file_manager) -> None:
        super().__init__(parent)
        self.setObjectName("adaptersTab")
        self._prompts = prompts
        self.open_folder = open_folder
        self.model = AdapterTableModel(self)
        self._build()
        self._sync()  # no adapters yet: no buttons

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 4, 4)
        layout.setSpacing(10)
        row = QHBoxLayout()
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(heading_label("Adapters", self))
        self.summary = muted_label("", self)
        text.addWidget(self.summary)
        row.addLayout(text, 1)
        self.open_button = QPushButton(icon("folder"), "Open folder", self)
        self.open_button.setObjectName("openAdapterFolderButton")
        self.open_button.setToolTip("Show the selected adapter's files in your file manager")
        self.open_button.clicked.connect(self.open_selected)
        row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        self.generate_button = QPushButton(icon("waveform"), "Generate…", self)
        self.generate_button.setObjectName("generateWithAdapterButton")
        self.generate_button.setToolTip("Generate audio with the selected adapter, and compare "
                                        "it with its base model")
        self.generate_button.clicked.connect(
            lambda: self._with_selected(lambda adapter: self.generateRequested.emit(adapter.id)))
        # Export and Merge share one menu button: the tab stays narrow beside the others.
        self.share_button = QToolButton(self)
        self.share_button.setObjectName("shareAdapterButton")
        self.share_button.setText("Share")
        self.share_button.setToolTip("Export the selected adapter, or merge it into its base")
        self.share_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.share_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.share_button)
        self.export_action = menu.addAction(
            "Export…", lambda: self._with_selected(self.exportRequested.emit))
        self.export_action.setObjectName("exportAdapterAction")
        self.export_action.setToolTip("Copy the adapter, ready to share: weights, processor "
                                      "and model card")
        self.merge_action = menu.addAction(
            "Merge into a full model…", lambda: self._with_selected(self.mergeRequested.emit))
        self.merge_action.setObjectName("mergeAdapterAction")
        self.share_button.setMenu(menu)
        self.share_button.setMinimumHeight(self.open_button.sizeHint().height())
        for button in (self.generate_button, self.share_button):
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self._stack = QStackedWidget(self)
        self.table = self._build_table()
        self._stack.addWidget(self.table)
        empty = EmptyState("adapter", "No adapters yet",
                           "Each completed run saves its LoRA adapter here, ready to load "
                           "with MusicGen.", parent=self, icon_size=44)
        empty.setObjectName("adaptersEmptyState")
        self._stack.addWidget(empty)
        layout.addWidget(self._stack, 1)

    def _with_selected(self, act: Callable[[AdapterRecord], object]) -> None:
        adapter = self.selected()
        if adapter is not None:
            act(adapter)

    def _build_table(self) -> QTableView:
        table = read_only_table("adapterTable", self)
        table.setModel(self.model)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # paths differ at their ends
        header = table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.doubleClicked.connect(lambda index: self._open(self.model.record_at(index.row())))
        table.selectionModel().currentRowChanged.connect(self._sync)
        return table

    def set_adapters(self, adapters: list[AdapterRecord]) -> None:
        self.model.set_records(adapters)
        self._stack.setCurrentIndex(0 if adapters else 1)
        self.summary.setText(plural(len(adapters), "adapter") if adapters else
                             "Produced by completed runs")
        if adapters:
            self.table.selectRow(0)
        self._sync()

    def selected(self) -> AdapterRecord | None:
        return self.model.record_at(self.table.currentIndex().row())

    def open_selected(self) -> None:
        self._open(self.selected())

    def _open(self, adapter: AdapterRecord | None) -> None:
        if adapter is None:
            return
        folder = Path(adapter.path)
        if not folder.is_dir():
            self._prompts.error(self, "Adapter folder missing",
                                f"The folder of adapter “{printable(adapter.name)}” ({folder}) "
                                "no longer exists; it was moved or deleted outside MusicLab.")
            return
        if not self.open_folder(folder):
            self._prompts.error(self, "Cannot open the folder",
                                f"No file manager could open {folder}.")

    def _sync(self, *_args: QModelIndex) -> None:
        for button in (self.open_button, self.generate_button, self.share_button):
            button.setVisible(self.model.rowCount() > 0)
            button.setEnabled(self.selected() is not None)
