"""A small dialog to pick (or import) the dataset an experiment trains on."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.dataset_picker import DatasetPicker
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.widgets import muted_label, title_label


class LinkDatasetDialog(QDialog):
    def __init__(self, library: Library, prompts: Prompts, experiment_name: str,
                 current_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkDatasetDialog")
        self.setWindowTitle("Link a dataset")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(title_label("Link a dataset", self, factor=1.2))
        hint = muted_label(f"The clips “{experiment_name}” trains on. Runs already started "
                           "keep the dataset they began with.", self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.picker = DatasetPicker(library, prompts, self, allow_none=False)
        self.picker.select_dataset(current_id)
        layout.addWidget(self.picker)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Link")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.picker.currentIndexChanged.connect(self._sync)
        self._sync()
        self.resize(480, self.sizeHint().height())

    def dataset_id(self) -> int | None:
        return self.picker.dataset_id()

    def _sync(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.picker.dataset_id() is not None)
