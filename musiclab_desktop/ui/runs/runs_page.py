"""The Runs tab: the runs table above, the selected run's terminal and chart below.

The page is layout and wiring. It decides nothing about runs itself: starting,
cancelling, deleting and reading go through the controller, whose refusals are shown
as the sentence they carry; the terminal and chart are fed by a :class:`RunFeed`;
the table follows the controller's change notice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QItemSelection, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import NotFoundError
from musiclab_desktop.core.protocol import nearest_marked_step, step_mark_pattern
from musiclab_desktop.core.records import ExperimentRecord, RunRecord
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.library_work import RunDeletion
from musiclab_desktop.ui.metrics import MAX_COMPARED_RUNS, MetricsChart
from musiclab_desktop.ui.notes_dialog import edit_notes
from musiclab_desktop.ui.ops import describe_error
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.runs.config_comparison import ConfigComparisonView
from musiclab_desktop.ui.runs.disk_use import DiskUseFeed
from musiclab_desktop.ui.runs.run_feed import NO_METRICS, NO_RUN_SELECTED, RunFeed
from musiclab_desktop.ui.runs.run_finder import RunFinder
from musiclab_desktop.ui.runs.run_prompts import batch_delete_confirmation, delete_confirmation
from musiclab_desktop.ui.runs.run_recovery import RunRecovery
from musiclab_desktop.ui.runs.runs_delegate import CANCEL, DELETE
from musiclab_desktop.ui.runs.runs_model import RUN_ID_ROLE, Column, RunsTableModel
from musiclab_desktop.ui.runs.runs_table import build_runs_table
from musiclab_desktop.ui.runs.start_run_dialog import StartRunDialog
from musiclab_desktop.ui.samples import SamplesView
from musiclab_desktop.ui.samples.ratings import RatingsFeed
from musiclab_desktop.ui.terminal import TerminalPanel
from musiclab_desktop.ui.toast import show_toast

__all__ = ["NO_METRICS", "NO_RUN_SELECTED", "RunsPage"]

COMPARE_CHECKED = "Compare Checked"
DELETE_CHECKED = "Delete Checked"
# Small enough that at the default 1280x800 window the table, the terminal and the
# chart all fit at once; the splitter between them gives any of them more.
TERMINAL_MIN_HEIGHT = 120
CHART_MIN_HEIGHT = 190
TABLE_MIN_HEIGHT = 90
TABLE_HEIGHT = 150
TERMINAL_HEIGHT = 220
CHART_HEIGHT = 260
# Shares of the splitter's height until the person drags a handle (or the window
# restores the sizes they left).
DEFAULT_SHARES = (TABLE_HEIGHT, TERMINAL_HEIGHT, CHART_HEIGHT)
# Which pane has the whole page (maximize toggles); None: all three share it.
CHART, TERMINAL = "chart", "terminal"
MAXIMIZE_TIP = "Give the {} the whole page (this button again shares it)"
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
        self._maximized: str | None = None
        self.terminal_max_button = self._maximize_button(TERMINAL, "maximizeTerminalButton")
        self.chart_max_button = self._maximize_button(CHART, "maximizeChartButton")
        self.comparison = ConfigComparisonView(self)
        self.comparison.hide()
        self._layout()

    def _button(self, text: str, name: str, primary: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setDefault(primary)
        return button

    def _maximize_button(self, pane: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setText("⤢")
        button.setToolTip(MAXIMIZE_TIP.format(pane))
        button.setAccessibleName(f"Maximize the {pane}")
        button.toggled.connect(lambda on: self.maximize(pane if on else None))
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
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("runsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail_tabs)
        self.splitter.addWidget(self.detail_scroll)
        for index, stretch in enumerate((1, 2, 3)):
            self.splitter.setStretchFactor(index, stretch)
        self.splitter.setSizes(list(DEFAULT_SHARES))
        # Until a drag or a restore, sizes follow the page's height in these shares:
        # set once at construction, the small first size would skew them for good.
        self._sizes_chosen = False
        self._pending_state: QByteArray | None = None
        self.splitter.splitterMoved.connect(self._on_splitter_moved)
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.finder.error)
        layout.addWidget(self.splitter, 1)

    # --- layout ----------------------------------------------------------------

    def maximize(self, pane: str | None) -> None:
        """Give the chart or the terminal (``CHART``, ``TERMINAL``) the whole page, or
        (None) share it again between table, terminal and chart."""
        if pane == self._maximized:
            return
        self._maximized = pane
        self.table.setVisible(pane is None)
        self.detail_tabs.setVisible(pane in (None, TERMINAL))
        self.detail_scroll.setVisible(pane in (None, CHART))
        for button, name in ((self.terminal_max_button, TERMINAL),
                             (self.chart_max_button, CHART)):
            button.blockSignals(True)
            button.setChecked(pane == name)
            button.setText("⤡" if pane == name else "⤢")
            button.setToolTip("Share the page again with the table and the other pane"
                              if pane == name
                              else MAXIMIZE_TIP.format(name))
            button.blockSignals(False)

    def maximized(self) -> str | None:
        return self._maximized

    def restore_layout(self, state: QByteArray) -> None:
        """Sizes saved by ``splitter.saveState()``, applied once the page has its size."""
        self._pending_state = state
        self._sizes_chosen = True
        if self.isVisible():
            self._apply_layout()

    def _apply_layout(self) -> None:
        if self._pending_state is not None:
            state, self._pending_state = self._pending_state, None
            self.splitter.restoreState(state)
        elif not self._sizes_chosen and self._maximized is None:
            total = sum(self.splitter.sizes())
            shares = sum(DEFAULT_SHARES)
            self.splitter.setSizes([total * share // shares for share in DEFAULT_SHARES])

    def _on_splitter_moved(self, *_args: object) -> None:
        self._sizes_chosen = True
        self.splitterMoved.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            # After the layout has given the splitter its new height.
            QTimer.singleShot(0, self._apply_layout)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._apply_layout)

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.request_start)
        self.delete_selected_button.clicked.connect(self.request_batch_delete)
        self.compare_button.clicked.connect(self.request_compare)
        self.delegate.actionTriggered.connect(self._on_row_action)
        self.model.checkedChanged.connect(self._sync_buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.chart.pointClicked.connect(self._on_point_clicked)
        self.finder.filterChanged.connect(self._sync_buttons)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_row_menu)
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
        run = self._record(run_id)
        if run is None or not run.is_terminal:
            return False
        name = printable(run.name)
        if not self._prompts.confirm(self, delete_confirmation(self, name)):
            return False
        return self._delete([run_id], f"Run “{name}” deleted")

    def request_batch_delete(self) -> bool:
        ids = self.model.checked_ids()
        if not ids or not self._prompts.confirm(self, batch_delete_confirmation(self, len(ids))):
            return False
        return self._delete(ids, f"{len(ids)} runs deleted")

    def _delete(self, run_ids: list[int], message: str) -> bool:
        """Start deleting: True once asked and started. Run folders go with ``rmtree``,
        seconds for a big run, so the rows leave when the op reports back."""
        experiment = self._experiment
        assert experiment is not None
        op = self._controller.delete_runs(self, experiment.id, run_ids,
                                          lambda done: self._on_deleted(done, message))
        op.failure(self._on_delete_failed).run_in_background()
        return True

    def _on_delete_failed(self, exc: Exception) -> None:
        self._prompts.error(self, "Cannot delete", describe_error(exc))

    def _on_deleted(self, deletion: RunDeletion, message: str) -> None:
        if deletion.gone:
            # Something else (the CLI, another window) deleted some meanwhile: their rows
            # just leave the table, which is what the person asked for.
            message = gone_message(self._names_of(deletion.gone), len(deletion.asked))
        self._forget_runs(deletion.removed)
        if deletion.error is not None:
            self._prompts.error(self, "Cannot delete", deletion.error)
            return
        show_toast(self, message)

    def _names_of(self, run_ids: set[int]) -> list[str]:
        return [printable(run.name) for run in self.model.runs() if run.id in run_ids]

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
        run = self._record(run_id)
        if run is None:
            return None
        library = self._controller.library
        updated = edit_notes(
            self, self._prompts, f"Notes and tags of “{printable(run.name)}”", run.notes,
            list(run.tags), lambda notes, tags: library.runs.annotate(run_id, notes=notes,
                                                                        tags=tags))
        if updated is not None:
            self._controller.notice.notify(Change.of(runs=[run_id]))
        return updated

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.column() == Column.NOTES:
            self.request_edit_notes(index.data(RUN_ID_ROLE))
        elif index.column() == Column.ADAPTER:
            run = self._record(index.data(RUN_ID_ROLE))
            if run is not None and run.adapter_id is not None:
                self.generateRequested.emit(run.adapter_id)

    def _show_row_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        run_id = index.data(RUN_ID_ROLE)
        menu = QMenu(self.table)
        menu.addAction("Edit tags and notes…", lambda: self.request_edit_notes(run_id))
        run = self._record(run_id)
        if run is not None and run.adapter_id is not None:
            adapter_id = run.adapter_id
            menu.addAction("Generate with its adapter…",
                           lambda: self.generateRequested.emit(adapter_id))
        if run is not None:
            self.recovery.add_actions(menu, run)
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()


def gone_message(gone_names: list[str], asked: int) -> str:
    """The toast after deleting ``asked`` runs of which some were already deleted elsewhere."""
    gone = len(gone_names)
    if gone == 1 and asked == 1:
        return f"Run “{gone_names[0]}” was already deleted; removed it from the list"
    if gone == asked:
        return f"The {asked} runs were already deleted; removed them from the list"
    others = "the other had" if gone == 1 else f"the other {gone} had"
    return f"{asked - gone} of {asked} runs deleted; {others} already been deleted elsewhere"
