"""MetricsChart: the training-metrics chart shown beneath a run's terminal.

It is fed plain data (RunMetrics, or live points) and never reads the database: the
runs page decides what to show and forwards the runner's points. The chart holds the
controls, the messages shown instead of a plot, the live redraw beat and the export;
the plotting itself is :class:`~musiclab_desktop.ui.metrics.plot.MetricsPlot`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.ui.metrics.controls import ChartControls
from musiclab_desktop.ui.metrics.export import write_metrics_csv
from musiclab_desktop.ui.metrics.export_dialog import ask_and_export, default_file_name
from musiclab_desktop.ui.metrics.labels import sort_metric_names
from musiclab_desktop.ui.metrics.legend import status_hint
from musiclab_desktop.ui.metrics.plot import CLICK_RADIUS_PX, MetricsPlot
from musiclab_desktop.ui.metrics.run_marks import RunMarks
from musiclab_desktop.ui.metrics.series import RunMetrics

MAX_COMPARED_RUNS = 5
DEFAULT_METRIC = "loss"
# The specification asks for a live redraw every 3-5 s: the lower bound keeps the curve
# fresh while redraws stay rare.
DEFAULT_REFRESH_MS = 3000
NO_METRICS_TEXT = "No metrics recorded for this run"
NO_METRICS_COMPARED_TEXT = "No metrics recorded for these runs"
WAITING_TEXT = "Waiting for the first metrics…"

PointBatch = tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike | None]


class MetricsChart(QWidget):
    """Public API: show_run, show_comparison, append_points, set_live, set_status,
    show_message, clear, flush, export_png, export_csv, hover_text_at, set_sample_steps,
    set_parent_run; pointClicked, sampleClicked."""

    pointClicked = Signal(int, int)  # run_id, step
    sampleClicked = Signal(int, int)  # run_id, step of a sample glyph on the step axis

    def __init__(self, parent: QWidget | None = None, *,
                 refresh_interval_ms: int = DEFAULT_REFRESH_MS) -> None:
        super().__init__(parent)
        self.setObjectName("metricsChart")
        self._runs: list[RunMetrics] = []
        self._comparing = False
        self._metric: str | None = None
        self._metric_by_run: dict[int, str] = {}
        self._compared_metric: str | None = None
        self._live = False
        self._dirty = False
        self._log = False
        self._build_widgets()
        self._build_timers(refresh_interval_ms)
        self._connect()
        self.plot.apply_theme(self.palette())
        self.clear()

    # ----------------------------------------------------------------- construction

    def _build_widgets(self) -> None:
        self._controls = ChartControls(self)
        self.plot = MetricsPlot()
        self.marks = RunMarks(self.plot.view)
        self.sample_marks = self.marks.samples
        self.resume_marks = self.marks.resumes
        self._message = QLabel()
        self._message.setObjectName("metricsMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        # Drawn like the empty plot it stands for, so the page keeps its shape.
        self._message.setAutoFillBackground(True)
        self._message.setBackgroundRole(QPalette.ColorRole.Base)
        self._message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._message.setFrameShape(QFrame.Shape.StyledPanel)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.plot)
        self._stack.addWidget(self._message)
        self._stack.setMinimumHeight(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # The controls, and at the right what the page around the chart adds (a
        # maximize toggle): that stays when the controls hide with the plot.
        self._top_row = QHBoxLayout()
        self._top_row.setContentsMargins(0, 0, 0, 0)
        self._top_row.addWidget(self._controls, 1)
        layout.addLayout(self._top_row)
        layout.addWidget(self._stack, 1)

    def _build_timers(self, refresh_interval_ms: int) -> None:
        # Live points are stored at once but drawn on this beat: a worker may report
        # many times a second, and a redraw per point would eat the GUI thread.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(refresh_interval_ms)
        self._refresh_timer.timeout.connect(self.flush)
        # Points that arrive while not live (late flush of a finished run).
        self._late_timer = QTimer(self)
        self._late_timer.setSingleShot(True)
        self._late_timer.setInterval(0)
        self._late_timer.timeout.connect(self.flush)

    def _connect(self) -> None:
        self.plot.pointClicked.connect(self.pointClicked)
        self.marks.sampleClicked.connect(self.sampleClicked)
        self.plot.viewMovedByUser.connect(self._update_hint)
        controls = self._controls
        controls.metricChosen.connect(self.set_metric)
        controls.logToggled.connect(self.set_log_scale)
        controls.parentToggled.connect(self.show_parent_curve)
        controls.smoothingChanged.connect(self.plot.set_smoothing)
        controls.resetRequested.connect(self.reset_view)
        controls.exportPngRequested.connect(lambda: ask_and_export(
            self, "Save chart as PNG", self._default_file_name(".png"), "PNG image (*.png)",
            self.export_png))
        controls.exportCsvRequested.connect(lambda: ask_and_export(
            self, "Save data as CSV", self._default_file_name(".csv"), "CSV file (*.csv)",
            self.export_csv))

    # ------------------------------------------------------------------ public API

    def show_run(self, run: RunMetrics, *, live: bool) -> None:
        """Show one run. While live, points given to append_points are added to
        `run.series` (the chart keeps and extends the object it was given)."""
        self._show([run], comparing=False, live=live)

    def show_comparison(self, runs: Sequence[RunMetrics]) -> None:
        """Overlay up to MAX_COMPARED_RUNS runs; more raise ValueError with a sentence
        the caller can show as it is."""
        if not runs:
            self.clear()
            return
        if len(runs) > MAX_COMPARED_RUNS:
            raise ValueError(
                f"Up to {MAX_COMPARED_RUNS} runs can be compared at once; "
                f"{len(runs)} were selected."
            )
        live = any(r.status == RunStatus.RUNNING for r in runs)
        self._show(list(runs), comparing=True, live=live)

    def append_points(self, run_id: int, points: Mapping[str, PointBatch]) -> bool:
        """Store live points {metric: (steps, values, wall_times)} of a shown run now;
        they are drawn on the next refresh. Returns False for a run not shown."""
        run = self._run(run_id)
        if run is None:
            return False
        for name, (steps, values, wall_times) in points.items():
            run.series_for(name).append(steps, values, wall_times)
        self._dirty = True
        if not self._live:
            self._late_timer.start()
        return True

    def set_live(self, live: bool) -> None:
        """Live: redraw new points every refresh interval. Not live: no timer at all."""
        self._live = live
        if live and self._runs:
            self._refresh_timer.start()
        else:
            self._refresh_timer.stop()
        if self._runs:
            self._redraw()

    def set_status(self, run_id: int, status: str) -> None:
        """A shown run changed status: liveness and the partial-run hint follow it."""
        run = self._run(run_id)
        if run is None:
            return
        run.status = status
        self.set_live(any(r.status == RunStatus.RUNNING for r in self._runs))

    def set_sample_steps(self, run_id: int, steps: Sequence[int]) -> None:
        """Mark the steps at which ``run_id`` has samples, on the step axis while that run
        is shown alone (they may arrive before its metrics do)."""
        self.marks.set_sample_steps(run_id, steps)

    def set_resume_steps(self, run_id: int, steps: Sequence[int]) -> None:
        """Mark the steps ``run_id`` was resumed from, while that run is shown alone."""
        self.marks.set_resume_steps(run_id, steps)

    def set_sample_ratings(self, run_id: int, ratings: Sequence[tuple[int, int]]) -> None:
        """The (step, rating) of the run's rated samples, exported with the CSV."""
        self.marks.set_ratings(run_id, ratings)

    def set_parent_run(self, run_id: int, parent: RunMetrics | None) -> None:
        """``run_id`` continued the finished run ``parent``: while ``run_id`` is shown alone,
        the parent's curve goes before its own (a toggle above the chart hides it)."""
        self.plot.parent_overlay.set_parent(run_id, parent)
        self._parent_changed()

    def show_parent_curve(self, on: bool) -> None:
        toggle = self._controls.parent_toggle
        if toggle.isChecked() != on:
            toggle.setChecked(on)  # its toggled signal comes back here
            return
        self.plot.parent_overlay.set_enabled(on)
        self._parent_changed()

    def parent_shown(self) -> RunMetrics | None:
        """The parent run drawn before the run shown (None when none or hidden)."""
        return self.plot.parent_overlay.shown()

    def sample_steps(self) -> list[int]:
        return self.sample_marks.steps()

    def show_message(self, text: str) -> None:
        """Show only `text` in the chart area (no run)."""
        self.clear()
        self._message.setText(text)

    def clear(self) -> None:
        self._set_runs([], comparing=False)
        self.marks.clear()
        self.plot.parent_overlay.clear()
        self._controls.parent_toggle.hide()
        self._refresh_timer.stop()
        self._live = False
        self._show_page(self._message)
        self._controls.set_metrics([], None)
        self._controls.hint.setText("")

    def flush(self) -> None:
        """Draw stored live points now instead of on the next refresh."""
        if self._dirty:
            self._redraw()

    def reset_view(self) -> None:
        """Back to all points, following new ones."""
        if self.plot.reset_view():
            self._update_hint()

    def set_metric(self, name: str) -> None:
        if name == self._metric or not self._runs:
            return
        self._metric = name
        if self._comparing:
            self._compared_metric = name
        elif self._runs:
            self._metric_by_run[self._runs[0].run_id] = name
        self._rebuild_curves()
        self.plot.following = True
        self._redraw()

    def set_log_scale(self, log: bool) -> None:
        if log == self._log:
            return
        self._log = log
        self._controls.log_toggle.setChecked(log)
        self.plot.set_log_scale(log)
        if self._runs:
            self._redraw()

    def set_smoothing(self, weight: float) -> None:
        """0 turns smoothing off; up to 0.99 (TensorBoard's weight)."""
        self._controls.smoothing_slider.setValue(round(weight * 100))

    def add_corner_widget(self, widget: QWidget) -> None:
        """Put ``widget`` at the right end of the controls row, shown with or without a plot."""
        self._top_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignRight)

    # Read-only views for the runs page, tests and the benchmark.

    def current_metric(self) -> str | None:
        return self._metric

    def metric_names(self) -> list[str]:
        return self._controls.metric_names()

    def is_live(self) -> bool:
        return self._live

    def refresh_timer_active(self) -> bool:
        return self._refresh_timer.isActive()

    def refresh_interval_ms(self) -> int:
        """How often a live chart redraws, in milliseconds."""
        return self._refresh_timer.interval()

    def is_following(self) -> bool:
        return self.plot.following

    def y_label(self) -> str:
        return self.plot.y_label()

    def message_text(self) -> str | None:
        """The message shown in place of the chart, None while the chart is shown."""
        return None if self._stack.currentWidget() is self.plot else self._message.text()

    def hint_text(self) -> str:
        return self._controls.hint.text()

    def legend_texts(self) -> list[str]:
        return [entry.plain for entry in self.plot.legend_entries()]

    def run_colours(self) -> dict[int, str]:
        return {c.run.run_id: c.colour.name() for c in self.plot.curves}

    def drawn_points(self, run_id: int) -> tuple[np.ndarray, np.ndarray]:
        """The raw line as drawn (view coordinates, after downsampling)."""
        curve = self.plot.curve(run_id)
        if curve is None or curve.raw.xData is None:
            return np.empty(0), np.empty(0)
        return curve.raw.xData, curve.raw.yData

    def marker_steps(self, run_id: int) -> np.ndarray:
        curve = self.plot.curve(run_id)
        if curve is None or not curve.markers.isVisible():
            return np.empty(0)
        return np.asarray(curve.markers.getData()[0])

    def hover_text_at(self, step: float) -> str | None:
        return self.plot.hover_text_at(step)

    def hover_at(self, step: float) -> str | None:
        """Show the crosshair and tooltip for the points nearest `step`, as a mouse move
        there would; returns the tooltip text."""
        return self.plot.hover_at(step)

    def tooltip_label(self) -> QLabel:
        return self.plot.tooltip_label()

    def point_near(self, x: float, y: float,
                   radius_px: float = CLICK_RADIUS_PX) -> tuple[int, int] | None:
        """(run_id, step) of the drawn point nearest view position (x, y)."""
        return self.plot.point_near(x, y, radius_px)

    def export_png(self, path: str | Path) -> None:
        self.plot.hide_hover()
        page = self._stack.currentWidget()
        pixmap = page.grab() if page is not None else None
        if pixmap is None or pixmap.isNull() or not pixmap.save(str(path), "PNG"):
            raise OSError(f"Could not write the image to {path}")

    def export_csv(self, path: str | Path) -> int:
        """Every recorded point of the chosen metric of the shown runs; returns rows."""
        if self._metric is None:
            return write_metrics_csv(path, [], "")
        return write_metrics_csv(path, self._runs, self._metric, self.marks.ratings)

    # ----------------------------------------------------------------- showing runs

    def _show(self, runs: list[RunMetrics], *, comparing: bool, live: bool) -> None:
        self._set_runs(runs, comparing=comparing)
        alone = runs[0].run_id if len(runs) == 1 and not comparing else None
        self.plot.parent_overlay.show_alone(alone)  # before the range is set
        self._controls.parent_toggle.setVisible(
            self.plot.parent_overlay.parent_run() is not None)
        self._metric = self._initial_metric()
        self._rebuild_curves()
        self.plot.following = True
        self.set_live(live)
        self.marks.show_alone(alone)

    def _set_runs(self, runs: list[RunMetrics], *, comparing: bool) -> None:
        self.plot.hide_hover()
        self._runs = runs
        self._comparing = comparing
        self._dirty = False
        if not runs:
            self._metric = None
            self._rebuild_curves()

    def _run(self, run_id: int) -> RunMetrics | None:
        return next((r for r in self._runs if r.run_id == run_id), None)

    def _available_metrics(self) -> list[str]:
        return sort_metric_names({n for run in self._runs for n in run.metric_names()})

    def _initial_metric(self) -> str:
        available = self._available_metrics()
        if self._comparing:
            remembered = self._compared_metric
        else:
            remembered = self._metric_by_run.get(self._runs[0].run_id)
        for candidate in (remembered, DEFAULT_METRIC):
            if candidate in available:
                return candidate
        # A live run with nothing yet waits for loss; otherwise the first recorded.
        return available[0] if available else DEFAULT_METRIC

    def _rebuild_curves(self) -> None:
        self.plot.plot(self._runs, self._metric, comparing=self._comparing,
                       palette=self.palette())
        if self._metric is not None:
            self._controls.set_metrics(self._available_metrics(), self._metric)

    # ------------------------------------------------------------------- redrawing

    def _redraw(self) -> None:
        """Full redraw after new data or a new selection."""
        self._dirty = False
        self._sync_selector()
        self._update_hint()
        if not any(run.has_points for run in self._runs):
            self._show_no_metrics()
            return
        self._show_page(self.plot)
        self.plot.redraw()

    def _show_no_metrics(self) -> None:
        if self._live:
            text = WAITING_TEXT
        else:
            text = NO_METRICS_COMPARED_TEXT if self._comparing else NO_METRICS_TEXT
        self._show_page(self._message, text)

    def _show_page(self, page: QWidget, message: str = "") -> None:
        """The chart, or a message with the controls hidden (nothing to control)."""
        self._message.setText(message)
        self._stack.setCurrentWidget(page)
        self._controls.setVisible(page is self.plot)

    def _sync_selector(self) -> None:
        names = self._available_metrics()
        if names != self._controls.metric_names():
            self._controls.set_metrics(names, self._metric)

    def _parent_changed(self) -> None:
        """The parent curve came, went or was toggled: show the toggle when there is a
        parent, and every point again (the step axis moved)."""
        overlay = self.plot.parent_overlay
        self._controls.parent_toggle.setVisible(overlay.parent_run() is not None)
        if self._runs:
            self.plot.following = True
            self._redraw()

    def _update_hint(self) -> None:
        hint = status_hint(self._runs, comparing=self._comparing, live=self._live,
                           following=self.plot.following)
        self._controls.hint.setText(hint)
        self._controls.hint.setToolTip(hint)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.plot.apply_theme(self.palette())
            if self._runs:
                self._rebuild_curves()
                self._redraw()
        super().changeEvent(event)

    # --------------------------------------------------------------------- export

    def _default_file_name(self, suffix: str) -> str:
        return default_file_name(self._runs, self._metric, suffix)
