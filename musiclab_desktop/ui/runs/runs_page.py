"""The Runs tab: the runs table above, the selected run's terminal and chart below.

The page is a thin view over three sources: core (run records, stored history), the
run manager (live signals) and the user's clicks. It decides nothing about runs
itself: starting, cancelling and deleting go through core and the manager, and their
refusals are shown as the sentence they carry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError, NotFoundError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord, RunRecord
from musiclab_desktop.core.services.telemetry import MetricArrays
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.metrics import (
    MAX_COMPARED_RUNS,
    MetricsChart,
    MetricSeries,
    RunMetrics,
)
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.runs.config_comparison import ConfigComparisonView
from musiclab_desktop.ui.runs.history_loader import HistoryLoader, RunHistory
from musiclab_desktop.ui.runs.run_prompts import batch_delete_confirmation, delete_confirmation
from musiclab_desktop.ui.runs.runs_delegate import (
    ACTION_WIDTH,
    CANCEL,
    DELETE,
    ROW_HEIGHT,
    RunsDelegate,
    status_column_width,
)
from musiclab_desktop.ui.runs.runs_model import RUN_ID_ROLE, Column, RunsTableModel
from musiclab_desktop.ui.runs.start_run_dialog import StartRunDialog
from musiclab_desktop.ui.terminal import TerminalPanel
from musiclab_desktop.ui.toast import show_toast

NO_RUN_SELECTED = "Select a run to view logs"
COMPARE_CHECKED = "Compare Checked"
DELETE_CHECKED = "Delete Checked"
CELL_PADDING = 10
NO_METRICS = "No metrics recorded for this run"
TERMINAL_MIN_HEIGHT = 300
CHART_MIN_HEIGHT = 280
TABLE_HEIGHT = 210


class RunsPage(QWidget):
    """Runs of the selected experiment: start, watch, cancel, compare, delete."""

    runsChanged = Signal(int)  # experiment id: its runs (and so its status) changed

    def __init__(self, library: Library, manager: RunManager, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runsPage")
        self._library, self._manager, self._prompts = library, manager, prompts
        self._experiment: ExperimentRecord | None = None
        self._shown_run: int | None = None
        self._loading = False
        self._pending_bytes: list[bytes] = []
        self._pending_points: list[tuple[int, str, float, float | None]] = []
        self._compared: list[int] = []
        self._start_check: Callable[[], bool] = lambda: True
        self.model = RunsTableModel(self)
        self.loader = HistoryLoader(library, self)
        self._build()
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
        self.table = self._build_table()
        self.terminal_panel = TerminalPanel(self)
        self.terminal = self.terminal_panel.view
        self.terminal_panel.setMinimumHeight(TERMINAL_MIN_HEIGHT)
        self.chart = MetricsChart(self)
        self.chart.setMinimumHeight(CHART_MIN_HEIGHT)
        self.comparison = ConfigComparisonView(self)
        self.comparison.hide()
        self._layout()

    def _button(self, text: str, name: str, primary: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setDefault(primary)
        return button

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("runsTable")
        table.setModel(self.model)  # the model sorts itself: see RunsTableModel.sort
        self.delegate = RunsDelegate(table)
        table.setItemDelegate(self.delegate)
        table.setSortingEnabled(True)
        table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # One highlighted row: it picks the run the terminal shows. Batch actions use
        # the check boxes instead.
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        # Fixed row heights and column widths: sizing to contents asks the delegate for
        # every cell of every row (thousands of calls per experiment switch).
        rows = table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        header = table.horizontalHeader()
        header.setMinimumSectionSize(28)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in column_widths(table.font()).items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.CHECK, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        return table

    def _layout(self) -> None:
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.start_button)
        toolbar.addWidget(self.summary, 1)
        toolbar.addWidget(self.compare_button)
        toolbar.addWidget(self.delete_selected_button)
        below = QWidget(self)
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.terminal_panel, 3)
        below_layout.addWidget(self.chart, 2)
        below_layout.addWidget(self.comparison)
        # The terminal keeps its height and the chart adds space beneath it: when the
        # window is too small for both, the area scrolls instead of squeezing them.
        self.detail_scroll = QScrollArea(self)
        self.detail_scroll.setObjectName("runDetailScroll")
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.detail_scroll.setWidget(below)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("runsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail_scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([TABLE_HEIGHT, 3 * TABLE_HEIGHT])
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.request_start)
        self.delete_selected_button.clicked.connect(self.request_batch_delete)
        self.compare_button.clicked.connect(self.request_compare)
        self.delegate.actionTriggered.connect(self._on_row_action)
        self.model.checkedChanged.connect(self._sync_buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.loader.loaded.connect(self._on_history_loaded)
        self.loader.failed.connect(self._on_history_failed)
        self.chart.pointClicked.connect(self._on_point_clicked)
        manager = self._manager
        manager.runStatusChanged.connect(self._on_status_changed)
        manager.logBytes.connect(self._on_log_bytes)
        manager.metricPoints.connect(self._on_metric_points)
        manager.progressChanged.connect(self.model.set_progress)
        self._duration_timer = QTimer(self)
        self._duration_timer.setInterval(1000)
        self._duration_timer.timeout.connect(self.model.refresh_durations)
        self._duration_timer.start()

    # --- experiment and selection ---------------------------------------------

    def set_experiment(self, record: ExperimentRecord | None) -> None:
        same = record is not None and self._experiment is not None and (
            record.id == self._experiment.id)
        self._experiment = record
        # An archived experiment is read-only: this follows archive and unarchive of the
        # experiment shown, not only a switch to another one.
        self.start_button.setEnabled(record is not None and not record.archived)
        self.start_button.setToolTip(
            "Unarchive the experiment to start runs." if record is not None and record.archived
            else "Train a LoRA adapter with this experiment's settings.")
        if same:
            return
        self._leave_compare()
        self.model.set_runs(self._library.runs.list(record.id) if record else [])
        self._show_run(None)
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
        return self._shown_run

    def is_loading(self) -> bool:
        return self._loading

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection
                              ) -> None:
        ids = self.selected_run_ids()
        self._leave_compare()
        self._show_run(ids[0] if ids else None)
        self._sync_buttons()

    def _leave_compare(self) -> None:
        """Back to the one-run layout: no settings table, the terminal in view at the top."""
        self._compared = []
        self.comparison.hide()
        self.detail_scroll.verticalScrollBar().setValue(0)

    def is_comparing(self) -> bool:
        return bool(self._compared)

    def _show_run(self, run_id: int | None) -> None:
        """Clear the terminal and chart, then load the run's stored history off the loop."""
        self.loader.cancel()
        self._shown_run = run_id
        self._pending_bytes, self._pending_points = [], []
        self.terminal.clear()
        self.chart.clear()
        if run_id is None:
            self._loading = False
            self.terminal.set_loading(False)
            self.terminal.set_placeholder(NO_RUN_SELECTED)
            self.chart.show_message("Select a run to see its metrics")
            return
        self._loading = True
        self.terminal.set_placeholder(None)
        self.terminal.set_loading(True)
        self._manager.flush(run_id)
        self.loader.load(run_id)

    def _on_history_loaded(self, history: RunHistory) -> None:
        if history.run_id != self._shown_run:
            return
        run = self._record(history.run_id)
        live = run is not None and run.is_active
        self._loading = False
        self.terminal.set_loading(False)
        self.terminal.load_history(history.log + b"".join(self._pending_bytes), live=live)
        metrics = _run_metrics(history.run_id, printable(run.name) if run else "",
                               run.status if run else "", history.metrics)
        self._show_metrics(metrics, live)
        if self._pending_points:
            self.chart.append_points(history.run_id, _batches(self._pending_points))
        self._pending_bytes, self._pending_points = [], []

    def _show_metrics(self, metrics: RunMetrics, live: bool) -> None:
        if metrics.has_points or live:
            self.chart.show_run(metrics, live=live)
        else:
            self.chart.show_message(NO_METRICS)

    def _on_history_failed(self, run_id: int, message: str) -> None:
        if run_id == self._shown_run:
            self._loading = False
            self.terminal.set_loading(False)
            self.terminal.set_placeholder(f"Could not read this run's log: {message}")

    def _record(self, run_id: int) -> RunRecord | None:
        row = self.model.row_of(run_id)
        return None if row is None else self.model.run_at(row)

    # --- live signals --------------------------------------------------------

    def _on_log_bytes(self, run_id: int, data: bytes) -> None:
        if run_id != self._shown_run:
            return
        if self._loading:
            self._pending_bytes.append(data)
        else:
            self.terminal.feed(data)

    def _on_metric_points(self, run_id: int, points: list[Any]) -> None:
        if run_id == self._shown_run and self._loading:
            self._pending_points.extend(points)
        elif run_id == self._shown_run or run_id in self._compared:
            self.chart.append_points(run_id, _batches(points))

    def _on_status_changed(self, run_id: int, _status: str) -> None:
        if self.model.row_of(run_id) is None:
            return
        record = self._library.runs.get(run_id)
        self.model.upsert(record)
        if run_id == self._shown_run:
            self.terminal.set_live(record.is_active)
            self.chart.set_status(run_id, record.status)
            if not record.is_active:
                self.chart.set_live(False)
        self._sync_buttons()
        self.runsChanged.emit(record.experiment_id)

    def _on_point_clicked(self, run_id: int, step: int) -> None:
        """Scroll the terminal to the log line of that step, or of the last step logged
        before it (the progress bar redraws in place, so not every step has a line)."""
        if run_id != self._shown_run:
            return
        anchor = nearest_logged_step(self.terminal.plain_text(), step)
        if anchor is not None:
            self.terminal.scroll_to_pattern(re.compile(rf"\bstep {anchor}\b"))

    # --- actions -------------------------------------------------------------

    def request_start(self) -> RunRecord | None:
        experiment = self._experiment
        if experiment is None:
            return None
        if experiment.archived or experiment.dataset_id is None:
            # Core refuses with the sentence to show, and creates nothing.
            self._prompts.attempt(self, "Cannot start a run",
                                  lambda: self._library.runs.prepare_start(experiment.id))
            return None
        if not self._start_check():
            return None
        return self.open_start_dialog(experiment)

    def set_start_check(self, check: Callable[[], bool]) -> None:
        """Something to ask before a run is set up, e.g. whether a training Python exists."""
        self._start_check = check

    def open_start_dialog(self, experiment: ExperimentRecord) -> RunRecord | None:
        dialog = StartRunDialog(experiment, self._library.runs.next_name(experiment.id), self)
        if not self._prompts.run_dialog(dialog):
            return None
        return self.start_run(dialog.run_name() or None, dialog.override())

    def start_run(self, name: str | None, override: dict[str, Any] | None) -> RunRecord | None:
        experiment = self._experiment
        assert experiment is not None

        def start() -> RunRecord:
            run = self._library.runs.prepare_start(experiment.id, name=name, override=override)
            self._manager.start(run)
            return self._library.runs.get(run.id)

        run = self._prompts.attempt(self, "Cannot start a run", start)
        if run is not None:
            self.model.upsert(run)
            self.select_run(run.id)
            self.runsChanged.emit(experiment.id)
        return run

    def _on_row_action(self, run_id: int, action: str) -> None:
        if action == CANCEL:
            self.request_cancel(run_id)
        elif action == DELETE:
            self.request_delete(run_id)

    def request_cancel(self, run_id: int) -> None:
        self._prompts.attempt(self, "Cannot cancel the run", lambda: self._manager.cancel(run_id))

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
        experiment = self._experiment
        assert experiment is not None
        try:
            self._library.runs.delete_many(experiment.id, run_ids)
        except NotFoundError:
            # Something else (the CLI, another window) deleted some meanwhile: their rows
            # just leave the table, which is what the person asked for.
            gone = self._already_deleted(run_ids)
            message = gone_message(self._names_of(gone), len(run_ids))
            remaining = [run_id for run_id in run_ids if run_id not in gone]
            if remaining and self._prompts.attempt(
                    self, "Cannot delete",
                    lambda: self._library.runs.delete_many(experiment.id, remaining)) is None:
                self._forget_runs(gone)
                return False
        except MusiclabError as exc:
            self._prompts.error(self, "Cannot delete", str(exc))
            return False
        self._forget_runs(set(run_ids))
        show_toast(self, message)
        self.runsChanged.emit(experiment.id)
        return True

    def _already_deleted(self, run_ids: list[int]) -> set[int]:
        """Those of ``run_ids`` that something else (the CLI, another window) deleted."""
        experiment = self._experiment
        assert experiment is not None
        try:
            present = {run.id for run in self._library.runs.list(experiment.id)}
        except NotFoundError:
            present = set()
        return set(run_ids) - present

    def _names_of(self, run_ids: set[int]) -> list[str]:
        return [printable(run.name) for run in self.model.runs() if run.id in run_ids]

    def _forget_runs(self, run_ids: set[int]) -> None:
        if not run_ids:
            return
        if self._shown_run in run_ids:
            self._show_run(None)
        self._compared = [run_id for run_id in self._compared if run_id not in run_ids]
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
        self._compared = [run.id for run in runs]
        self.chart.show_comparison([self._metrics_of(run) for run in runs])
        # What each run trained with, not the experiment's config of today.
        configs = self._library.runs.effective_configs(run.id for run in runs)
        self.comparison.show_configs(
            {printable(run.name): configs[run.id].to_dict() for run in runs
             if run.id in configs})
        self.comparison.show()
        # The overlay and the settings table are what the user asked for: bring them in view.
        QTimer.singleShot(0, self._scroll_to_comparison)

    def _scroll_to_comparison(self) -> None:
        if self.comparison.isVisible():  # not when the user already moved on
            self.detail_scroll.ensureWidgetVisible(self.comparison)

    def _metrics_of(self, run: RunRecord) -> RunMetrics:
        self._manager.flush(run.id)
        return _run_metrics(run.id, printable(run.name), run.status,
                            self._library.telemetry.all_series_arrays(run.id))

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


def column_widths(font: QFont) -> dict[Column, int]:
    """Starting widths that fit each column's widest usual text (the user may resize)."""
    metrics = QFontMetrics(font)

    def fit(*samples: str) -> int:
        return max(metrics.horizontalAdvance(text) for text in samples) + 2 * CELL_PADDING

    return {
        Column.CHECK: 32,
        Column.STATUS: status_column_width(font),
        Column.STARTED: fit("Started", "2026-12-31 23:59"),
        Column.DURATION: fit("Duration", "10:59:59"),
        Column.PROGRESS: fit("Progress", "10000 / 10000  (100%)"),
        Column.FINAL_LOSS: fit("Final loss", "10.0000"),
        Column.ADAPTER: fit("Adapter", "#10000"),
        Column.ACTIONS: ACTION_WIDTH,
    }


def gone_message(gone_names: list[str], asked: int) -> str:
    """The toast after deleting ``asked`` runs of which some were already deleted elsewhere."""
    gone = len(gone_names)
    if gone == 1 and asked == 1:
        return f"Run “{gone_names[0]}” was already deleted; removed it from the list"
    if gone == asked:
        return f"The {asked} runs were already deleted; removed them from the list"
    others = "the other had" if gone == 1 else f"the other {gone} had"
    return f"{asked - gone} of {asked} runs deleted; {others} already been deleted elsewhere"


_STEP_MENTION = re.compile(r"\bstep (\d+)\b")


def nearest_logged_step(text: str, step: int) -> int | None:
    """The largest N <= ``step`` for which the log mentions "step N", if any."""
    below = [n for m in _STEP_MENTION.finditer(text) if (n := int(m.group(1))) <= step]
    return max(below) if below else None


def _run_metrics(run_id: int, name: str, status: str,
                 stored: dict[str, MetricArrays]) -> RunMetrics:
    return RunMetrics(run_id, name, status, {
        metric: MetricSeries(metric, data.steps, data.values, data.wall_times)
        for metric, data in stored.items()
    })


def _batches(points: list[Any]) -> dict[str, tuple[list[float], list[float], list[Any]]]:
    """Runner points (step, name, value, wall time) grouped as the chart takes them."""
    grouped: dict[str, tuple[list[float], list[float], list[Any]]] = defaultdict(
        lambda: ([], [], []))
    for step, name, value, wall in points:
        steps, values, walls = grouped[name]
        steps.append(step)
        values.append(value)
        walls.append(float("nan") if wall is None else wall)
    return dict(grouped)

