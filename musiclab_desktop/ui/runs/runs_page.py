"""The Runs tab: the runs table above, the selected run's terminal and chart below.

The page is layout and wiring. It decides nothing about runs itself: starting,
cancelling, deleting and reading go through the controller, whose refusals are shown
as the sentence they carry; the terminal and chart are fed by a :class:`RunFeed`;
the table follows the controller's change notice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.errors import NotFoundError
from musiclab_desktop.core.protocol import nearest_marked_step, step_mark_pattern
from musiclab_desktop.core.records import ExperimentRecord, RunRecord
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.metrics import MAX_COMPARED_RUNS, MetricsChart
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.runs.config_comparison import ConfigComparisonView
from musiclab_desktop.ui.runs.disk_use import DiskUseFeed
from musiclab_desktop.ui.runs.run_deleter import RunDeleter
from musiclab_desktop.ui.runs.run_feed import NO_METRICS, NO_RUN_SELECTED, RunFeed
from musiclab_desktop.ui.runs.run_finder import RunFinder
from musiclab_desktop.ui.runs.run_recovery import RunRecovery
from musiclab_desktop.ui.runs.run_row_actions import RunRowActions
from musiclab_desktop.ui.runs.runs_delegate import CANCEL, DELETE
from musiclab_desktop.ui.runs.runs_model import RUN_ID_ROLE, Column, RunsTableModel
from musiclab_desktop.ui.runs.runs_panes import CHART, TERMINAL, RunsPanes
from musiclab_desktop.ui.runs.runs_table import build_runs_table
from musiclab_desktop.ui.runs.start_run_dialog import StartRunDialog
from musiclab_desktop.ui.samples import SamplesView
from musiclab_desktop.ui.samples.ratings import RatingsFeed
from musiclab_desktop.ui.terminal import TerminalPanel

__all__ = ["CHART", "NO_METRICS", "NO_RUN_SELECTED", "TERMINAL", "RunsPage"]

COMPARE_CHECKED = "Compare Checked"
DELETE_CHECKED = "Delete Checked"
# Small enough that at the default 1280x800 window the table, the terminal and the
# chart all fit at once; the splitter between them gives any of them more.
TERMINAL_MIN_HEIGHT = 120
CHART_MIN_HEIGHT = 190
TABLE_MIN_HEIGHT = 90
START_TIP = "Train a LoRA adapter with this experiment's settings."


class RunsPage(QWidget):
    """Runs of the selected experiment: start, watch, cancel, compare, delete."""

    # The splitter between table, terminal and chart was moved by the person (the
    # window remembers its sizes).
    splitterMoved = Signal()
    generateRequested = Signal(int)  # adapter id: the adapter cell asks to generate with it

    def __init__(self, controller: ExperimentsController, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runsPage")
        self._controller, self._prompts = controller, prompts
        self._experiment: ExperimentRecord | None = None
        self._start_check: Callable[[], bool] = lambda: True
        self.model = RunsTableModel(self)
        self._build()
        self.feed = RunFeed(controller, self.terminal, self.chart, self)
        # Beside the terminal: the run's samples, or the compare-by-ear grid.
        self.samples_view = SamplesView(controller, parent=self)
        self.detail_tabs.addTab(self.samples_view, "Samples")
        self.feed.attach_samples(self.samples_view)
        self.ratings = RatingsFeed(controller, self.model, self)
        self.samples_view.compare_panel.blindPending.connect(self.ratings.hold)
        self.disk_use = DiskUseFeed(controller, self.model, self)
        self.recovery = RunRecovery(controller, prompts, self)
        # The Samples tab promotes a step's checkpoint the way the row menu does.
        self.samples_view.promote.promoteRequested.connect(self.recovery.request_promote)
        self.chart.sampleClicked.connect(
            lambda *_: self.detail_tabs.setCurrentWidget(self.samples_view))
        self._connect()
        self.set_experiment(None)

    # --- building ------------------------------------------------------------

    def _build(self) -> None:
        self.start_button = self._button("Start run", "startRunButton", primary=True)
        # Batch actions act on the checked runs; the highlighted row only picks what the
        # terminal and chart show. The labels say which.
        self.delete_selected_button = self._button(DELETE_CHECKED, "deleteSelectedButton")
        self.delete_selected_button.setToolTip("Delete the runs whose boxes are checked.")
        self.compare_button = self._button(COMPARE_CHECKED, "compareButton")
        self.compare_button.setToolTip(
            f"Overlay the metrics of the checked runs (two to {MAX_COMPARED_RUNS}).")
        self.summary = QLabel(self)
        self.summary.setObjectName("runsSummary")
        # The summary may be cut short on a narrow window; it must not set its width.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.table, self.delegate = build_runs_table(self.model, self)
        self.finder = RunFinder(self._controller, self.model, self.table, self)
        self.terminal_panel = TerminalPanel(self)
        self.terminal = self.terminal_panel.view
        self.terminal_panel.setMinimumHeight(TERMINAL_MIN_HEIGHT)
        self.table.setMinimumHeight(TABLE_MIN_HEIGHT)
        self.chart = MetricsChart(self)
        self.chart.setMinimumHeight(CHART_MIN_HEIGHT)
        self.panes = RunsPanes(self)
        self.terminal_max_button = self.panes.terminal_max_button
        self.chart_max_button = self.panes.chart_max_button
        self.comparison = ConfigComparisonView(self)
        self.comparison.hide()
        self._layout()

    def _button(self, text: str, name: str, primary: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setDefault(primary)
        return button

    def _layout(self) -> None:
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.start_button)
        toolbar.addWidget(self.summary, 1)
        toolbar.addWidget(self.finder.box, 2)
        toolbar.addWidget(self.compare_button)
        toolbar.addWidget(self.delete_selected_button)
        # The selected run's terminal and, beside it, what it can be heard by (samples).
        self.detail_tabs = QTabWidget(self)
        self.detail_tabs.setObjectName("runDetailTabs")
        self.detail_tabs.setDocumentMode(True)
        self.detail_tabs.addTab(self.terminal_panel, "Terminal")
        self.detail_tabs.setCornerWidget(self.terminal_max_button, Qt.Corner.TopRightCorner)
        # Set, so a tall page in another tab does not hold the terminal's pane tall.
        self.detail_tabs.setMinimumHeight(TERMINAL_MIN_HEIGHT + 30)
        below = QWidget(self)
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.chart, 1)
        below_layout.addWidget(self.comparison)
        # The chart keeps its height and a comparison's settings table goes beneath it:
        # that pane scrolls instead of squeezing the chart.
        self.detail_scroll = QScrollArea(self)
        self.detail_scroll.setObjectName("runDetailScroll")
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.detail_scroll.setWidget(below)
        self.detail_scroll.setMinimumHeight(CHART_MIN_HEIGHT)
        # The chart always fits the page's width; a horizontal bar, even one shown for
        # a moment while the splitter settles, would also force a vertical one.
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chart.add_corner_widget(self.chart_max_button)
        # Table, terminal and chart, each resizable; the window remembers the sizes.
        self.panes.fill(self.table, self.detail_tabs, self.detail_scroll)
        self.splitter = self.panes.splitter
        self.panes.moved.connect(self.splitterMoved)
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.finder.error)
        layout.addWidget(self.splitter, 1)

    # --- layout ----------------------------------------------------------------

    def maximize(self, pane: str | None) -> None:
        """Give the chart or the terminal (``CHART``, ``TERMINAL``) the whole page, or
        (None) share it again between table, terminal and chart."""
        self.panes.maximize(pane)

    def maximized(self) -> str | None:
        return self.panes.maximized()

    def restore_layout(self, state: QByteArray) -> None:
        """Sizes saved by ``splitter.saveState()``, applied once the page has its size."""
        self.panes.restore(state)
        if self.isVisible():
            self.panes.apply_sizes()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            # After the layout has given the splitter its new height.
            QTimer.singleShot(0, self.panes.apply_sizes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.panes.apply_sizes)

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.request_start)
        self.delete_selected_button.clicked.connect(self.request_batch_delete)
        self.compare_button.clicked.connect(self.request_compare)
        self.delegate.actionTriggered.connect(self._on_row_action)
        self.model.checkedChanged.connect(self._sync_buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.chart.pointClicked.connect(self._on_point_clicked)
        self.finder.filterChanged.connect(self._sync_buttons)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.row_actions = RunRowActions(self, self._controller, self._prompts, self.table,
                                         self.recovery, self._record)
        self.row_actions.generateRequested.connect(self.generateRequested)
        self.deleter = RunDeleter(self, self._controller, self._prompts, self.model,
                                  self.experiment, self._record, self._forget_runs)
        self._controller.notice.changed.connect(self._on_change)
        self._controller.manager.progressChanged.connect(self.model.set_progress)
        self._controller.manager.phaseChanged.connect(self.model.set_target_phase)
        self._duration_timer = QTimer(self)
        self._duration_timer.setInterval(1000)
        self._duration_timer.timeout.connect(self.model.refresh_durations)
        self._duration_timer.start()

    # --- experiment and selection ---------------------------------------------

    def set_experiment(self, record: ExperimentRecord | None) -> None:
        same = record is not None and self._experiment is not None and (
            record.id == self._experiment.id)
        self._experiment = record
        # Core says whether a run can start (archived: read-only; no dataset): this
        # follows archive, unarchive and linking of the experiment shown too.
        refusal = self._controller.start_refusal(record.id) if record is not None else ""
        self.start_button.setEnabled(refusal is None)
        self.start_button.setToolTip(refusal or START_TIP)
        if same:
            return
        self._leave_compare()
        self.finder.experiment_changed(record)
        self.model.set_runs(self._controller.runs(record.id) if record else [])
        self.feed.show_run(None)
        self._sync_buttons()

    def experiment(self) -> ExperimentRecord | None:
        return self._experiment

    def select_run(self, run_id: int) -> None:
        row = self.model.row_of(run_id)
        if row is None:
            return
        self.table.selectRow(row)

    def selected_run_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows(Column.NAME)
        return [index.data(RUN_ID_ROLE) for index in rows]

    def shown_run_id(self) -> int | None:
        return self.feed.shown_run_id()

    def is_loading(self) -> bool:
        return self.feed.is_loading()

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection
                              ) -> None:
        ids = self.selected_run_ids()
        self._leave_compare()
        self.feed.show_run(self._record(ids[0]) if ids else None)
        self._sync_buttons()

    def _leave_compare(self) -> None:
        """Back to the one-run layout: no settings table, the terminal in view at the top."""
        self.feed.leave_compare()
        self.comparison.hide()
        self.detail_scroll.verticalScrollBar().setValue(0)

    def is_comparing(self) -> bool:
        return self.feed.is_comparing()

    def _record(self, run_id: int) -> RunRecord | None:
        row = self.model.row_of(run_id)
        return None if row is None else self.model.run_at(row)

    # --- changes ---------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        """Follow the notice: the experiment shown, and the rows of its runs."""
        experiment = self._experiment
        if experiment is None:
            return
        if change.touches_experiment(experiment.id):
            try:
                self.set_experiment(self._controller.get(experiment.id))
            except NotFoundError:
                return
        if change.runs:
            new_possible = change.touches_experiment(experiment.id)
            self._refresh_runs(change.runs, new_possible)
            self._sync_buttons()

    def _refresh_runs(self, run_ids: frozenset[int], new_possible: bool) -> None:
        experiment = self._experiment
        assert experiment is not None
        known = {run_id for run_id in run_ids if self.model.has_run(run_id)}
        if new_possible and known != run_ids:
            # Runs this table has not got (one just started), or gone: one read of all.
            current = {run.id: run for run in self._controller.runs(experiment.id)}
            self._forget_runs({run_id for run_id in known if run_id not in current})
            fresh = [current[run_id] for run_id in run_ids if run_id in current]
        else:
            fresh = []
            for run_id in known:
                try:
                    fresh.append(self._controller.run(run_id))
                except NotFoundError:
                    self._forget_runs({run_id})
        self.finder.prepare(fresh)  # a filter or setting column may need their settings
        for run in fresh:
            self.model.upsert(run)
            self.feed.run_updated(run)

    def _on_point_clicked(self, run_id: int, step: int) -> None:
        """Scroll the terminal to the log line of that step, or of the last step logged
        before it (the progress bar redraws in place, so not every step has a line): the
        worker marks those lines with the protocol's step mark."""
        if run_id != self.shown_run_id():
            return
        anchor = nearest_marked_step(self.terminal.plain_text(), step)
        if anchor is not None:
            self.terminal.scroll_to_pattern(step_mark_pattern(anchor))

    # --- actions -------------------------------------------------------------

    def request_start(self) -> RunRecord | None:
        experiment = self._experiment
        if experiment is None:
            return None
        refusal = self._controller.start_refusal(experiment.id)
        if refusal is not None:
            self._prompts.error(self, "Cannot start a run", refusal)
            return None
        if not self._start_check():
            return None
        return self.open_start_dialog(experiment)

    def set_start_check(self, check: Callable[[], bool]) -> None:
        """Something to ask before a run is set up, e.g. whether a training Python exists."""
        self._start_check = check

    def open_start_dialog(self, experiment: ExperimentRecord) -> RunRecord | None:
        targets, chosen = self._controller.target_choices(experiment.id)
        dialog = StartRunDialog(experiment, self._controller.next_run_name(experiment.id), self,
                                targets=targets, chosen_target=chosen)
        if not self._prompts.run_dialog(dialog):
            return None
        return self.start_run(dialog.run_name() or None, dialog.override(), dialog.target_name())

    def start_run(self, name: str | None, override: dict[str, Any] | None,
                  target: str | None = None) -> RunRecord | None:
        experiment = self._experiment
        assert experiment is not None
        run = self._prompts.attempt(
            self, "Cannot start a run",
            lambda: self._controller.start_run(experiment.id, name, override, target))
        if run is not None:
            self.model.upsert(run)  # the notice added it already; its latest state
            self.select_run(run.id)
        return run

    def _on_row_action(self, run_id: int, action: str) -> None:
        if action == CANCEL:
            self.request_cancel(run_id)
        elif action == DELETE:
            self.request_delete(run_id)

    def request_cancel(self, run_id: int) -> None:
        self._prompts.attempt(self, "Cannot cancel the run",
                              lambda: self._controller.cancel_run(run_id))

    def request_delete(self, run_id: int) -> bool:
        return self.deleter.delete_one(run_id)

    def request_batch_delete(self) -> bool:
        return self.deleter.delete_checked()

    def _forget_runs(self, run_ids: set[int]) -> None:
        if not run_ids:
            return
        self.feed.forget(run_ids)
        self.model.remove_runs(run_ids)

    def request_compare(self) -> bool:
        ids = self.model.checked_ids()
        if len(ids) > MAX_COMPARED_RUNS:
            self._prompts.error(self, "Too many runs to compare",
                                f"Compare at most {MAX_COMPARED_RUNS} runs at once; "
                                f"{len(ids)} are checked.")
            return False
        if len(ids) < 2:
            self._prompts.error(self, "Compare runs",
                                "Check the boxes of two or more finished runs to compare them.")
            return False
        self._compare(ids)
        return True

    def _compare(self, run_ids: list[int]) -> None:
        runs = [run for run_id in run_ids if (run := self._record(run_id)) is not None]
        # Read off the GUI thread: the chart and the settings table fill when it is back.
        self.feed.compare(runs, self._show_configs)

    def _show_configs(self, configs: dict[str, dict[str, Any]]) -> None:
        self.comparison.show_configs(configs)
        self.comparison.show()
        # The overlay and the settings table are what the user asked for: bring them in view.
        QTimer.singleShot(0, self._scroll_to_comparison)

    def _scroll_to_comparison(self) -> None:
        if self.comparison.isVisible():  # not when the user already moved on
            self.detail_scroll.ensureWidgetVisible(self.comparison)

    def _sync_buttons(self) -> None:
        checked = len(self.model.checked_ids())
        self.delete_selected_button.setVisible(checked > 0)
        self.delete_selected_button.setText(
            f"{DELETE_CHECKED} ({checked})" if checked else DELETE_CHECKED)
        self.compare_button.setEnabled(checked >= 2)
        self.compare_button.setText(
            f"{COMPARE_CHECKED} ({checked})" if checked else COMPARE_CHECKED)
        runs = self.model.runs()
        active = sum(run.is_active for run in runs)
        self.summary.setText(
            "No runs yet: start one to train a LoRA adapter." if not runs
            else f"{len(runs)} run(s), {active} active" if active else f"{len(runs)} run(s)")
        if self.finder.is_filtering() and runs:
            self.summary.setText(f"{self.model.shown_count()} of {len(runs)} runs shown")

    # --- notes and tags ----------------------------------------------------------------

    def request_edit_notes(self, run_id: int) -> RunRecord | None:
        """Ask for the run's notes and tags and store them (the table follows the notice)."""
        return self.row_actions.edit_notes(run_id)
