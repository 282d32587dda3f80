"""What the terminal and the chart below the runs table show, merged from two sources.

One run: its stored history, read off the GUI thread as one snapshot, plus the live
bytes and points the runner sends meanwhile (held back while the snapshot loads, then
appended), so the terminal shows every byte once, in order. Several runs: their stored
metrics overlaid, with the live points of any still running appended as they come.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.services.telemetry import MetricArrays
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.library_work import Comparison, RunHistory
from musiclab_desktop.ui.metrics import MetricsChart, MetricSeries, RunMetrics
from musiclab_desktop.ui.metrics.chart import NO_METRICS_TEXT as NO_METRICS
from musiclab_desktop.ui.ops import QueryOp, describe_error
from musiclab_desktop.ui.samples import SamplesView
from musiclab_desktop.ui.terminal import TerminalView

NO_RUN_SELECTED = "Select a run to view logs"
Point = tuple[int, str, float, float | None]  # step, metric, value, wall time


class RunFeed(QObject):
    """Feeds ``terminal`` and ``chart`` for the run shown, or the runs compared."""

    def __init__(self, controller: ExperimentsController, terminal: TerminalView,
                 chart: MetricsChart, parent: QObject) -> None:
        super().__init__(parent)
        self._controller = controller
        self.terminal, self.chart = terminal, chart
        self._shown: RunRecord | None = None
        self._loading = False
        self._pending_bytes: list[bytes] = []
        self._pending_points: dict[int, list[Point]] = defaultdict(list)
        self._compared: list[int] = []
        self._comparing_loaded = False
        self._history_op: QueryOp[RunHistory] | None = None
        self._compare_op: QueryOp[Comparison] | None = None
        self._parent_op: QueryOp[tuple[RunRecord, dict[str, MetricArrays]]] | None = None
        self._samples: SamplesView | None = None
        manager = controller.manager
        manager.logBytes.connect(self._on_log_bytes)
        manager.metricPoints.connect(self._on_metric_points)
        manager.sampleRecorded.connect(self._on_sample_recorded)

    # --- one run ---------------------------------------------------------------------

    def shown_run_id(self) -> int | None:
        return self._shown.id if self._shown is not None else None

    def is_loading(self) -> bool:
        return self._loading

    def attach_samples(self, view: SamplesView) -> None:
        """The Samples tab shows what the terminal and chart show (run, or runs compared);
        its sampled steps become glyphs on the chart, a click on one plays it."""
        self._samples = view
        view.stepsChanged.connect(self.chart.set_sample_steps)
        view.ratingsChanged.connect(self.chart.set_sample_ratings)
        self.chart.sampleClicked.connect(lambda _run_id, step: view.play_step(step))
        view.show_run(self._shown)

    def show_run(self, run: RunRecord | None) -> None:
        """Clear the terminal and chart, then load the run's stored history off the loop."""
        if self._samples is not None:
            self._samples.show_run(run)
        self._drop(self._history_op)
        self._drop(self._parent_op)
        self._shown = run
        self._pending_bytes = []
        self._pending_points.clear()
        self.terminal.clear()
        self.chart.clear()
        if run is None:
            self._loading = False
            self.terminal.set_loading(False)
            self.terminal.set_placeholder(NO_RUN_SELECTED)
            self.chart.show_message("Select a run to see its metrics")
            return
        self._loading = True
        self.terminal.set_placeholder(None)
        self.terminal.set_loading(True)
        self._history_op = self._controller.load_history(self, run.id, self._on_history)
        self._history_op.failure(lambda exc: self._on_history_failed(run.id, exc))
        self._history_op.keyed("history").run_in_background()
        if run.parent_run_id is not None:
            self._load_parent(run.id, run.parent_run_id)

    def run_updated(self, run: RunRecord) -> None:
        """The run's record changed (its status moved on)."""
        if self._shown is None or run.id != self._shown.id:
            return
        if run.resume_steps != self._shown.resume_steps:
            # Resumed: its later points were superseded and its log got a separator,
            # so read it again (the resume line goes on the chart too).
            self.show_run(run)
            return
        self._shown = run
        self.terminal.set_live(run.is_active)
        self.chart.set_status(run.id, run.status)
        if not run.is_active:
            self.chart.set_live(False)

    def forget(self, run_ids: set[int]) -> None:
        """Those runs are gone: stop showing them."""
        if self._shown is not None and self._shown.id in run_ids:
            self.show_run(None)
        self._compared = [run_id for run_id in self._compared if run_id not in run_ids]

    def _on_history(self, history: RunHistory) -> None:
        run = self._shown
        if run is None or history.run_id != run.id:
            return
        self._loading = False
        self.terminal.set_loading(False)
        self.terminal.load_history(history.log + b"".join(self._pending_bytes), live=run.is_active)
        self._pending_bytes = []
        points = self._pending_points.pop(run.id, [])
        if self._compared:
            return  # the chart shows the comparison asked for meanwhile
        metrics = run_metrics(run, history.metrics)
        if metrics.has_points or run.is_active:
            self.chart.set_resume_steps(run.id, run.resume_steps or [])
            self.chart.show_run(metrics, live=run.is_active)
        else:
            self.chart.show_message(NO_METRICS)
        if points:
            self.chart.append_points(run.id, batches(points))

    def _load_parent(self, run_id: int, parent_id: int) -> None:
        """A continued run: its parent's metrics, for the chart to draw before its own."""
        library = self._controller.library

        def read() -> tuple[RunRecord, dict[str, MetricArrays]]:
            return library.runs.get(parent_id), library.telemetry.all_series_arrays(parent_id)

        self._parent_op = QueryOp(self, op=read, success=lambda loaded: self.chart.set_parent_run(
            run_id, run_metrics(*loaded)))
        # A parent deleted meanwhile: the run is drawn alone, as if it had none.
        self._parent_op.failure(lambda _exc: None).keyed("parent").run_in_background()

    def _on_history_failed(self, run_id: int, exc: Exception) -> None:
        if run_id == self.shown_run_id():
            self._loading = False
            self.terminal.set_loading(False)
            self.terminal.set_placeholder(f"Could not read this run's log: {describe_error(exc)}")

    # --- several runs ------------------------------------------------------------------

    def is_comparing(self) -> bool:
        return bool(self._compared)

    def compare(self, runs: list[RunRecord],
                on_configs: Callable[[dict[str, dict[str, Any]]], None]) -> None:
        """Overlay the runs' stored metrics; ``on_configs`` gets each run's settings."""
        self._drop(self._compare_op)
        self._compared = [run.id for run in runs]
        self._comparing_loaded = False
        if self._samples is not None:
            self._samples.compare(runs)
        for run in runs:
            self._pending_points.pop(run.id, None)
        self._compare_op = self._controller.load_comparison(
            self, self._compared, lambda loaded: self._on_compared(runs, loaded, on_configs))
        self._compare_op.keyed("compare").run_in_background()

    def leave_compare(self) -> None:
        self._drop(self._compare_op)
        if self._compared and self._samples is not None:
            self._samples.show_run(self._shown)
        self._compared = []

    def _on_compared(self, runs: list[RunRecord], loaded: Comparison,
                     on_configs: Callable[[dict[str, dict[str, Any]]], None]) -> None:
        self._comparing_loaded = True
        self.chart.show_comparison([run_metrics(run, loaded.metrics.get(run.id, {}))
                                    for run in runs])
        for run in runs:
            if points := self._pending_points.pop(run.id, []):
                self.chart.append_points(run.id, batches(points))
        on_configs({printable(run.name): loaded.configs[run.id] for run in runs
                    if run.id in loaded.configs})

    # --- live signals ----------------------------------------------------------------

    def _on_log_bytes(self, run_id: int, data: bytes) -> None:
        if run_id != self.shown_run_id():
            return
        if self._loading:
            self._pending_bytes.append(data)
        else:
            self.terminal.feed(data)

    def _on_metric_points(self, run_id: int, points: list[Any]) -> None:
        shown = run_id == self.shown_run_id()
        compared = run_id in self._compared
        if (shown and self._loading and not compared) or (
                compared and not self._comparing_loaded):
            self._pending_points[run_id].extend(points)
        elif compared or (shown and not self._compared):
            self.chart.append_points(run_id, batches(points))

    def _on_sample_recorded(self, run_id: int, _sample_id: int) -> None:
        """A run shown or compared recorded a sample while it trains: show it."""
        if self._samples is not None and (
                run_id == self.shown_run_id() or run_id in self._compared):
            self._samples.refresh()

    @staticmethod
    def _drop(op: QueryOp[Any] | None) -> None:
        if op is not None:
            op.cancel()


def run_metrics(run: RunRecord, stored: dict[str, MetricArrays]) -> RunMetrics:
    return RunMetrics(run.id, printable(run.name), run.status, {
        metric: MetricSeries(metric, data.steps, data.values, data.wall_times)
        for metric, data in stored.items()
    })


def batches(points: list[Any]) -> dict[str, tuple[list[float], list[float], list[Any]]]:
    """Runner points (step, name, value, wall time) grouped as the chart takes them."""
    grouped: dict[str, tuple[list[float], list[float], list[Any]]] = defaultdict(
        lambda: ([], [], []))
    for step, name, value, wall in points:
        steps, values, walls = grouped[name]
        steps.append(step)
        values.append(value)
        walls.append(float("nan") if wall is None else wall)
    return dict(grouped)
