"""DetailView: the selected experiment's header and its Overview / Config / Runs / Adapters tabs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.records import DatasetRecord, ExperimentRecord
from musiclab_desktop.core.services.disk_use import experiment_disk_use
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.detail.adapters_tab import AdaptersTab
from musiclab_desktop.ui.detail.config_tab import ConfigTab
from musiclab_desktop.ui.detail.overview import OverviewTab
from musiclab_desktop.ui.detail.runs_placeholder import runs_placeholder
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.formatting import plural
from musiclab_desktop.ui.ops import QueryOp
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.status_badge import StatusBadge
from musiclab_desktop.ui.toast import show_toast
from musiclab_desktop.ui.widgets import muted_label, title_label

OVERVIEW, CONFIG, RUNS, ADAPTERS = range(4)


class DetailView(QWidget):
    """Shows one experiment. The Runs tab is a slot: see :meth:`set_runs_page`."""

    # The experiment now shown (ExperimentRecord), or None; pages plugged in may follow it.
    experimentChanged = Signal(object)
    unarchiveRequested = Signal(object)  # ExperimentRecord
    datasetsRequested = Signal(object)  # dataset id to show, or None

    def __init__(self, controller: ExperimentsController, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailView")
        self._controller = controller
        self._prompts = prompts
        self._record: ExperimentRecord | None = None
        self._adapters_stale = True
        self._build()
        controller.notice.changed.connect(self._on_change)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 8)
        layout.setSpacing(8)
        header = QHBoxLayout()
        header.setSpacing(12)
        self.title = title_label("", self)
        self.title.setObjectName("experimentTitle")
        self.badge = StatusBadge(self)
        header.addWidget(self.title)
        header.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addStretch(1)
        layout.addLayout(header)
        self.subtitle = muted_label("", self)
        self.subtitle.setObjectName("experimentSubtitle")
        layout.addWidget(self.subtitle)
        layout.addSpacing(4)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("experimentTabs")
        self.tabs.setDocumentMode(True)
        self.overview = OverviewTab(self.tabs)
        self.config_tab = ConfigTab(self._controller, self._prompts, self.tabs)
        self.adapters_tab = AdaptersTab(self._prompts, self.tabs)
        self.tabs.addTab(self.overview, icon("overview"), "Overview")
        self.tabs.addTab(self.config_tab, icon("sliders"), "Config")
        self.tabs.addTab(runs_placeholder(self.tabs), icon("runs"), "Runs")
        self.tabs.addTab(self.adapters_tab, icon("adapter"), "Adapters")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        layout.addWidget(self.tabs, 1)
        self.overview.unarchiveRequested.connect(self._request_unarchive)
        self.overview.linkDatasetRequested.connect(self.request_link_dataset)
        self.overview.viewDatasetRequested.connect(
            lambda dataset_id: self.datasetsRequested.emit(dataset_id))
        self.overview.notesRequested.connect(self.request_edit_notes)

    # --- public --------------------------------------------------------------

    def set_runs_page(self, page: QWidget) -> None:
        """Put ``page`` in the Runs tab (replacing the placeholder or a previous page).

        The page follows the selection through :attr:`experimentChanged`; a page with a
        ``set_experiment(record | None)`` method is also called directly, at once with
        the experiment shown now.
        """
        old = self.tabs.widget(RUNS)
        current = self.tabs.currentIndex()
        self.tabs.removeTab(RUNS)
        self.tabs.insertTab(RUNS, page, icon("runs"), "Runs")
        self.tabs.setCurrentIndex(current)
        if old is not None and old is not page:
            old.deleteLater()
        self._call_runs_page(self._record)

    def runs_page(self) -> QWidget:
        page = self.tabs.widget(RUNS)
        assert page is not None  # the tab is always there: a placeholder or the page
        return page

    def experiment(self) -> ExperimentRecord | None:
        return self._record

    def set_experiment(self, record: ExperimentRecord | None) -> None:
        self._record = record
        if record is not None:
            self._show_header(record)
            self._show_overview(record)
            self.config_tab.set_experiment(record)
        else:
            self.config_tab.set_experiment(None)
        self._adapters_stale = True
        if self.tabs.currentIndex() == ADAPTERS:
            self._load_adapters()
        self._call_runs_page(record)
        self.experimentChanged.emit(record)

    def refresh(self) -> None:
        """Read the shown experiment again (F5, or after a change elsewhere)."""
        if self._record is None:
            return
        try:
            record = self._controller.get(self._record.id)
        except MusiclabError:
            record = None
        self.set_experiment(record)

    def request_link_dataset(self) -> None:
        record = self._record
        if record is None:
            return
        from musiclab_desktop.ui.detail.link_dataset_dialog import LinkDatasetDialog

        dialog = LinkDatasetDialog(self._controller.library, self._prompts,
                                   printable(record.name),
                                   record.dataset_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.dataset_id() is not None:
            self.link_dataset(dialog.dataset_id())

    def request_edit_notes(self) -> ExperimentRecord | None:
        """The experiment's description (its notes) and tags, edited in a dialog."""
        record = self._record
        if record is None:
            return None
        from musiclab_desktop.ui.notes_dialog import edit_notes

        library = self._controller.library
        updated = edit_notes(
            self, self._prompts, f"Notes and tags of “{printable(record.name)}”",
            record.description or "", list(record.tags),
            lambda notes, tags: library.experiments.annotate(record.id, description=notes,
                                                             tags=tags),
            notes_label="Description")
        if updated is not None:
            self._controller.notice.notify(Change.of(experiments=[record.id]))
        return updated

    def link_dataset(self, dataset_id: int | None) -> ExperimentRecord | None:
        record = self._record
        if record is None:
            return None
        updated = self._prompts.attempt(
            self, "Cannot link the dataset",
            lambda: self._controller.link_dataset(record.id, dataset_id))
        if updated is not None:
            show_toast(self, f"Linked dataset “{printable(updated.dataset_name)}”"
                       if updated.dataset_name else "Dataset unlinked")
        return updated

    # --- internals -----------------------------------------------------------

    def _show_header(self, record: ExperimentRecord) -> None:
        self.title.setText(printable(record.name))
        self.badge.set_status(record.status)
        dataset = printable(record.dataset_name) if record.dataset_name else "no dataset"
        self.subtitle.setText(f"{plural(record.run_count, 'run')}  ·  {dataset}")

    def _show_overview(self, record: ExperimentRecord) -> None:
        dataset: DatasetRecord | None = None
        error: MusiclabError | None = None
        if record.dataset_id is not None:
            try:
                dataset = self._controller.dataset(record.dataset_id)
            except MusiclabError as exc:
                error = exc
        self.overview.set_experiment(record, dataset, error)
        self._measure_disk_use(record.id)

    def _measure_disk_use(self, experiment_id: int) -> None:
        # Walks every run folder: off the GUI thread, the newest request wins.
        library = self._controller.library
        self.overview.show_disk_use(None)
        QueryOp(self, op=lambda: experiment_disk_use(library, experiment_id),
                success=self.overview.show_disk_use).keyed("disk-use").run_in_background()

    def _request_unarchive(self) -> None:
        if self._record is not None:
            self.unarchiveRequested.emit(self._record)

    def _on_change(self, change: Change) -> None:
        """Follow the notice: read the experiment shown again when it (or a dataset it
        may show) changed; adapters are read again when next shown."""
        record = self._record
        if record is None:
            return
        if change.touches_experiment(record.id) or change.datasets:
            self.refresh()
        elif change.adapters:
            self._adapters_stale = True
            if self.tabs.currentIndex() == ADAPTERS:
                self._load_adapters()

    def _on_tab_changed(self, index: int) -> None:
        if index == ADAPTERS and self._adapters_stale:
            self._load_adapters()

    def _load_adapters(self) -> None:
        self._adapters_stale = False
        record = self._record
        self.adapters_tab.set_adapters(self._controller.adapters(record.id) if record else [])

    def _call_runs_page(self, record: ExperimentRecord | None) -> None:
        page = self.tabs.widget(RUNS)
        follow = getattr(page, "set_experiment", None)
        if callable(follow):
            follow(record)
