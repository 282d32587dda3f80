"""The Overview tab: status, dataset, best run and loss, counts, description, last error."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.checkpoints import size_text
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.records import DatasetRecord, ExperimentRecord
from musiclab_desktop.core.status import ExperimentStatus
from musiclab_desktop.ui.formatting import (
    duration_text,
    local_datetime,
    loss_text,
    plural,
    relative_time,
)
from musiclab_desktop.ui.resources import coloured_pixmap, icon
from musiclab_desktop.ui.status_badge import StatusBadge
from musiclab_desktop.ui.widgets import (
    ERROR_COLOUR,
    Card,
    caption_label,
    heading_label,
    muted_label,
    paint_panel,
)

_STATUS_TEXT = {
    ExperimentStatus.DRAFT: "Not trained yet",
    ExperimentStatus.RUNNING: "A run is training",
    ExperimentStatus.COMPLETED: "Last runs completed",
    ExperimentStatus.FAILED: "The last run failed",
    ExperimentStatus.ARCHIVED: "Kept, out of the list",
}


def _value_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setWeight(font.Weight.DemiBold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class StatCard(Card):
    """A caption, a large value and a muted line under it."""

    def __init__(self, caption: str, name: str, parent: QWidget) -> None:
        super().__init__(parent, margins=14)
        self.setObjectName(name)
        # Cards of one row share its height, whatever each one holds.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.body.addWidget(caption_label(caption, self))
        self.value_row = QHBoxLayout()
        self.value_row.setSpacing(8)
        self.value = _value_label(self)
        self.value_row.addWidget(self.value)
        self.value_row.addStretch(1)
        self.body.addLayout(self.value_row)
        self.detail = muted_label("", self)
        self.detail.setWordWrap(True)
        self.body.addWidget(self.detail)

    def show_values(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.value.setVisible(bool(value))
        self.detail.setText(detail)


class Banner(QFrame):
    """A one-sentence strip with an icon and an optional button: archived, last error."""

    def __init__(self, kind: str, icon_name: str, parent: QWidget,
                 button_text: str = "") -> None:
        super().__init__(parent)
        self._kind = kind
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        glyph = QLabel(self)
        pixmap = (coloured_pixmap(icon_name, ERROR_COLOUR, 20) if kind == "error"
                  else icon(icon_name, QPalette.ColorRole.WindowText).pixmap(20, 20))
        glyph.setPixmap(pixmap)
        layout.addWidget(glyph, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.button: QPushButton | None = None
        if button_text:
            self.button = QPushButton(button_text, self)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        if self._kind == "error":
            tint = QColor(ERROR_COLOUR)
            tint.setAlpha(28)
            paint_panel(self, tint, ERROR_COLOUR, radius=6)
        else:
            paint_panel(self, palette.color(QPalette.ColorRole.AlternateBase),
                        palette.color(QPalette.ColorRole.Midlight), radius=6)


class DatasetCard(Card):
    """The linked dataset, or the empty state that asks for one."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, margins=16)
        self.setObjectName("datasetCard")
        header = QHBoxLayout()
        header.addWidget(caption_label("Dataset", self))
        header.addStretch(1)
        self.change_button = QPushButton(icon("link"), "Change…", self)
        self.change_button.setObjectName("changeDatasetButton")
        self.change_button.setToolTip("Link another dataset to this experiment")
        self.view_button = QPushButton(icon("datasets"), "View clips", self)
        self.view_button.setObjectName("viewDatasetButton")
        self.view_button.setToolTip("Open the dataset's clips, captions and problems")
        header.addWidget(self.view_button)
        header.addWidget(self.change_button)
        self.body.addLayout(header)
        self.name = _value_label(self)
        self.name.setObjectName("datasetName")
        self.summary = muted_label("", self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.name)
        self.body.addWidget(self.summary)
        self.empty = self._build_empty()
        self.body.addWidget(self.empty)

    def _build_empty(self) -> QWidget:
        box = QWidget(self)
        box.setObjectName("noDatasetState")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 4)
        layout.setSpacing(6)
        glyph = QLabel(box)
        glyph.setPixmap(icon("datasets", QPalette.ColorRole.PlaceholderText).pixmap(36, 36))
        layout.addWidget(glyph, 0, Qt.AlignmentFlag.AlignHCenter)
        title = heading_label("Link a dataset to start training", box)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(title)
        text = muted_label("Training needs a folder of audio clips with a caption each. "
                           "Pick one you imported, or import a folder now.", box)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(text)
        self.link_button = QPushButton(icon("link"), "Link dataset…", box)
        self.link_button.setObjectName("linkDatasetButton")
        self.link_button.setDefault(True)
        layout.addWidget(self.link_button, 0, Qt.AlignmentFlag.AlignHCenter)
        return box

    def set_read_only(self, read_only: bool) -> None:
        """An archived experiment's dataset can be viewed, not changed."""
        for button in (self.link_button, self.change_button):
            button.setEnabled(not read_only)
        self.link_button.setToolTip(
            "Unarchive the experiment to link a dataset" if read_only
            else "Choose the clips this experiment trains on")
        self.change_button.setToolTip(
            "Unarchive the experiment to link another dataset" if read_only
            else "Link another dataset to this experiment")

    def show_dataset(self, dataset: DatasetRecord | None, missing_text: str = "") -> None:
        linked = dataset is not None or bool(missing_text)
        self.empty.setVisible(not linked)
        for widget in (self.name, self.summary, self.change_button):
            widget.setVisible(linked)
        self.view_button.setVisible(dataset is not None)
        if dataset is None:
            self.name.setText("")
            self.summary.setText(missing_text)
            return
        self.name.setText(printable(dataset.name))
        self.summary.setText(
            f"{plural(dataset.usable_count, 'usable clip')} of {dataset.clip_count:,}  ·  "
            f"{duration_text(dataset.total_duration)} of audio\n{dataset.folder}"
        )


def best_run_text(name: str | None) -> str:
    return printable(name) if name else "the best run"


class OverviewTab(QScrollArea):
    unarchiveRequested = Signal()
    linkDatasetRequested = Signal()
    viewDatasetRequested = Signal(int)
    notesRequested = Signal()  # edit the description (the experiment's notes) and tags

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewTab")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._record: ExperimentRecord | None = None
        page = QWidget(self)
        self._layout = QVBoxLayout(page)
        self._layout.setContentsMargins(4, 14, 4, 14)
        self._layout.setSpacing(14)
        self._build(page)
        self._layout.addStretch(1)
        self.setWidget(page)

    def _build(self, page: QWidget) -> None:
        self.archived_banner = Banner("info", "archive", page, "Unarchive")
        self.archived_banner.setObjectName("archivedBanner")
        self.archived_banner.text.setText(
            "This experiment is archived. Unarchive it to edit its settings or start runs.")
        assert self.archived_banner.button is not None
        self.archived_banner.button.setObjectName("overviewUnarchiveButton")
        self.archived_banner.button.clicked.connect(self.unarchiveRequested)
        self.error_banner = Banner("error", "warning", page)
        self.error_banner.setObjectName("lastErrorBanner")
        self._layout.addWidget(self.archived_banner)
        self._layout.addWidget(self.error_banner)
        self._layout.addLayout(self._build_stats(page))
        self.dataset_card = DatasetCard(page)
        self.dataset_card.link_button.clicked.connect(self.linkDatasetRequested)
        self.dataset_card.change_button.clicked.connect(self.linkDatasetRequested)
        self.dataset_card.view_button.clicked.connect(self._view_dataset)
        self._layout.addWidget(self.dataset_card)
        self.description_card = Card(page)
        self.description_card.setObjectName("descriptionCard")
        heading = QHBoxLayout()
        heading.addWidget(caption_label("Description and tags", page), 1)
        self.notes_button = QPushButton(icon("edit"), "Edit…", page)
        self.notes_button.setObjectName("editExperimentNotesButton")
        self.notes_button.setToolTip("Edit this experiment's description (its notes) and tags")
        self.notes_button.setFlat(True)
        self.notes_button.clicked.connect(self.notesRequested)
        heading.addWidget(self.notes_button)
        self.description_card.body.addLayout(heading)
        self.tags_label = QLabel(page)
        self.tags_label.setObjectName("experimentTags")
        self.tags_label.setWordWrap(True)
        self.description_card.body.addWidget(self.tags_label)
        self.description = QLabel(page)
        self.description.setObjectName("experimentDescription")
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description_card.body.addWidget(self.description)
        self._layout.addWidget(self.description_card)

    def _build_stats(self, page: QWidget) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(14)
        self.status_card = StatCard("Status", "statusCard", page)
        self.status_badge = StatusBadge(page)
        self.status_card.value_row.insertWidget(0, self.status_badge)
        self.best_card = StatCard("Best run", "bestRunCard", page)
        self.runs_card = StatCard("Runs", "runsCard", page)
        self.disk_use = muted_label("", page)
        self.disk_use.setObjectName("experimentDiskUse")
        self.disk_use.setToolTip("Disk space of this experiment's run folders (checkpoints, "
                                 "encoded audio, samples) and adapters.")
        self.runs_card.body.addWidget(self.disk_use)
        self.updated_card = StatCard("Last change", "updatedCard", page)
        for column, card in enumerate(
                (self.status_card, self.best_card, self.runs_card, self.updated_card)):
            grid.addWidget(card, 0, column)
            grid.setColumnStretch(column, 1)
        return grid

    # --- showing -------------------------------------------------------------

    def set_experiment(self, record: ExperimentRecord, dataset: DatasetRecord | None,
                       dataset_error: MusiclabError | None = None) -> None:
        self._record = record
        self.archived_banner.setVisible(record.archived)
        self.error_banner.setVisible(bool(record.last_error))
        self.error_banner.text.setText(f"Last error: {record.last_error or ''}")
        self.status_badge.set_status(record.status)
        self.status_card.show_values("", _STATUS_TEXT.get(record.status, ""))
        if record.best_loss is not None:
            self.best_card.show_values(loss_text(record.best_loss),
                                       f"loss of {best_run_text(record.best_run_name)}")
        else:
            self.best_card.show_values("—", "No completed run yet")
        self.runs_card.show_values(f"{record.run_count:,}",
                                   "Training runs started" if record.run_count else
                                   "Start one from the Runs tab")
        self.updated_card.show_values(relative_time(record.updated_at),
                                      f"Created {local_datetime(record.created_at)}")
        missing = str(dataset_error) if dataset_error else ""
        self.dataset_card.show_dataset(dataset, missing)
        self.dataset_card.set_read_only(record.archived)
        self.tags_label.setText(" ".join(f"#{printable(tag)}" for tag in record.tags))
        self.tags_label.setVisible(bool(record.tags))
        self.notes_button.setEnabled(not record.archived)
        self.description.setText(record.description or "No description.")
        self.description.setForegroundRole(
            QPalette.ColorRole.WindowText if record.description
            else QPalette.ColorRole.PlaceholderText)

    def show_disk_use(self, size: int | None) -> None:
        """Measured off the GUI thread after the experiment is shown (None: not yet)."""
        self.disk_use.setText("" if size is None else f"{size_text(size)} on disk")

    def _view_dataset(self) -> None:
        if self._record is not None and self._record.dataset_id is not None:
            self.viewDatasetRequested.emit(self._record.dataset_id)
