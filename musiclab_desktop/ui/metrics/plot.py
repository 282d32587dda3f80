"""MetricsPlot: the plotting half of the metrics chart.

It draws one metric of the runs it is given: the curves (downsampled to the view),
the visible range and whether it follows new points, log scale and smoothing, the
legend of compared runs, the hover crosshair and clicks on points. The chart around
it (:mod:`musiclab_desktop.ui.metrics.chart`) decides what to show and holds the
controls, the messages and the export.
"""

from __future__ import annotations

import numpy as np
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from musiclab_desktop.ui.metrics.curve import RunCurve, ViewGeometry
from musiclab_desktop.ui.metrics.labels import metric_info
from musiclab_desktop.ui.metrics.legend import LegendEntry, legend_entry, legend_html
from musiclab_desktop.ui.metrics.overlay import HoverOverlay
from musiclab_desktop.ui.metrics.palette import SINGLE_RUN_NONFINITE_MARKER, plot_theme
from musiclab_desktop.ui.metrics.parent_overlay import ParentOverlay
from musiclab_desktop.ui.metrics.picking import describe, hover_marks, nearest_points, point_near
from musiclab_desktop.ui.metrics.series import RunMetrics
from musiclab_desktop.ui.metrics.view import ChartView

CLICK_RADIUS_PX = 10
# How to move around the chart, said beneath it (pyqtgraph has no visible controls).
NAVIGATION_HINT = "Ctrl+wheel zooms the steps · drag pans · Reset view shows all"
_X_PADDING = 0.01
# Room above and below the data for the NaN/Inf markers drawn at the edges.
_Y_PADDING = 0.07
_MIN_BINS = 50


class MetricsPlot(QWidget):
    """The plot and the legend beneath it; fed runs and a metric, never the database."""

    pointClicked = Signal(int, int)  # run_id, step
    viewMovedByUser = Signal()  # panned or zoomed: no longer following new points

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metricsCanvas")
        self.view = ChartView()
        self.curves: list[RunCurve] = []
        self.following = True
        self._overlay = HoverOverlay(self.view)
        # A continued run's parent, drawn muted before the run's own curve.
        self.parent_overlay = ParentOverlay(self.view)
        self._legend = QLabel()
        self._legend.setObjectName("metricsLegend")
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        self._legend.setWordWrap(True)
        self._legend.setContentsMargins(8, 0, 8, 2)
        self.navigation_hint = QLabel(NAVIGATION_HINT)
        self.navigation_hint.setObjectName("chartNavigationHint")
        self.navigation_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.navigation_hint.setContentsMargins(8, 0, 8, 2)
        self.navigation_hint.setToolTip(
            "Ctrl+wheel over the chart zooms the step axis around the pointer; drag with "
            "the left button to pan along the steps; right-drag to stretch them. The "
            "values keep their range. Reset view (above) shows every point again and "
            "follows new ones.")
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self._legend, 1)
        bottom.addWidget(self.navigation_hint, 0, Qt.AlignmentFlag.AlignRight
                         | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self._metric: str | None = None
        self._comparing = False
        self._log = False
        self._smoothing = 0.0
        self._drawn_key: tuple[object, ...] | None = None
        self._hover_step: float | None = None
        # Pan/zoom/resize fire many range changes per frame; one redraw serves them all.
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(0)
        self._view_timer.timeout.connect(self._draw_curves)
        self._connect()

    def _connect(self) -> None:
        view_box = self.view.view_box
        view_box.sigRangeChangedManually.connect(self._on_user_moved_view)
        view_box.sigRangeChanged.connect(self._schedule_view_redraw)
        view_box.sigResized.connect(self._schedule_view_redraw)
        scene = self.view.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.view.viewport().installEventFilter(self)

    # -- what is plotted -----------------------------------------------------------------

    def plot(self, runs: list[RunMetrics], metric: str | None, *, comparing: bool,
             palette: QPalette) -> None:
        """Curves of ``metric`` for ``runs`` (none when metric is None), in colours that
        suit ``palette`` (the chart's: during a palette change, this widget's lags)."""
        for curve in self.curves:
            curve.remove()
        self.curves = []
        self._drawn_key = None
        self._metric = metric
        self._comparing = comparing
        theme = plot_theme(palette)
        self._overlay.set_colour(theme.crosshair)
        self.parent_overlay.set_style(metric, theme.foreground)
        if metric is None:
            return
        for index, run in enumerate(runs):
            colour = theme.runs[index % len(theme.runs)]
            marker = colour if comparing else SINGLE_RUN_NONFINITE_MARKER
            curve = RunCurve(self.view.getPlotItem(), run, metric, colour, marker)
            curve.set_smoothing(self._smoothing)
            self.curves.append(curve)
        info = metric_info(metric)
        self.view.set_y_label(info.axis_label, info.label)

    def redraw(self) -> None:
        """Draw everything again after new data: range (when following), curves, legend."""
        if self.following:
            self._apply_full_range()
        self._draw_curves(force=True)
        self._update_legend()
        self._hover_again()

    def reset_view(self) -> bool:
        """Back to all points, following new ones; False when there is nothing drawn."""
        self.following = True
        if not self.curves:
            return False
        self._apply_full_range()
        self._draw_curves(force=True)
        return True

    def set_log_scale(self, log: bool) -> None:
        self._log = log
        self.view.set_log_y(log)
        self.parent_overlay.set_log(log)
        self.following = True  # the old range is in the other scale's coordinates

    def set_smoothing(self, weight: float) -> None:
        self._smoothing = weight
        self.parent_overlay.set_smoothing(weight)
        for curve in self.curves:
            curve.set_smoothing(weight)
        self._draw_curves(force=True)
        self._hover_again()

    def apply_theme(self, palette: QPalette) -> None:
        self.view.apply_theme(plot_theme(palette))

    # -- reading -------------------------------------------------------------------------

    def curve(self, run_id: int) -> RunCurve | None:
        return next((c for c in self.curves if c.run.run_id == run_id), None)

    def legend_entries(self) -> list[LegendEntry]:
        if not self._comparing or self._metric is None:
            return []
        return [legend_entry(c.run, self._metric, c.colour.name()) for c in self.curves]

    def y_label(self) -> str:
        return str(self.view.getPlotItem().getAxis("left").labelText)

    def tooltip_label(self) -> QLabel:
        return self._overlay.tooltip

    # -- hover and click -------------------------------------------------------------------

    def hover_text_at(self, step: float) -> str | None:
        found = nearest_points(self.curves, step)
        if not found or self._metric is None:
            return None
        return describe(found, self._metric, self._comparing, self.parent_overlay.step_offset())

    def hover_at(self, step: float) -> str | None:
        """Show the crosshair and tooltip for the points nearest ``step``, as a mouse move
        there would; returns the tooltip text."""
        found = nearest_points(self.curves, step)
        if not found or self._metric is None:
            self.hide_hover()
            return None
        text = describe(found, self._metric, self._comparing, self.parent_overlay.step_offset())
        marks = hover_marks(found, self._log)
        line_at = step if self._comparing else marks[0].x
        self._overlay.show(line_at, marks, text, horizontal=not self._comparing)
        self._hover_step = step
        return text

    def hide_hover(self) -> None:
        self._hover_step = None
        self._overlay.hide()

    def point_near(self, x: float, y: float,
                   radius_px: float = CLICK_RADIUS_PX) -> tuple[int, int] | None:
        """(run_id, step) of the drawn point nearest view position (x, y)."""
        pixel_size = self.view.view_box.viewPixelSize()
        return point_near(self.curves, (x, y), pixel_size, self._log, radius_px)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave and watched is self.view.viewport():
            self.hide_hover()
        return super().eventFilter(watched, event)

    def _hover_again(self) -> None:
        """The curves changed under a shown tooltip: show it for the new points."""
        if self._hover_step is not None and self._overlay.visible:
            self.hover_at(self._hover_step)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        view_box = self.view.view_box
        if not self.curves or not view_box.sceneBoundingRect().contains(scene_pos):
            self.hide_hover()
            return
        self.hover_at(view_box.mapSceneToView(scene_pos).x())

    def _on_mouse_clicked(self, event: MouseClickEvent) -> None:
        view_box = self.view.view_box
        scene_pos = event.scenePos()
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if not view_box.sceneBoundingRect().contains(scene_pos):
            return
        target = view_box.mapSceneToView(scene_pos)
        hit = self.point_near(target.x(), target.y())
        if hit is not None:
            self.pointClicked.emit(*hit)

    # -- drawing ---------------------------------------------------------------------------

    def _geometry(self) -> ViewGeometry:
        view_box = self.view.view_box
        (x_min, x_max), (y_min, y_max) = view_box.viewRange()
        height = max(view_box.height(), 1.0)
        return ViewGeometry(x_min=x_min, x_max=x_max, y_min=y_min, y_max=y_max,
                            width_px=max(int(view_box.width()), _MIN_BINS),
                            y_per_px=(y_max - y_min) / height, log=self._log)

    def _draw_curves(self, force: bool = False) -> None:
        """Re-downsample every curve for the current view; skipped when nothing that
        shapes the picture changed since the last draw."""
        if not self.curves:
            return
        geometry = self._geometry()
        revisions = tuple((id(c.series), c.series.revision) for c in self.curves)
        key = (geometry, revisions, self._smoothing)
        if not force and key == self._drawn_key:
            return
        for curve in self.curves:
            curve.draw(geometry)
        self._drawn_key = key

    def _apply_full_range(self) -> None:
        bounds = [b for b in (c.bounds(self._log) for c in self.curves) if b is not None]
        if bounds and (parent := self.parent_overlay.bounds()) is not None:
            bounds.append(parent)
        if not bounds:
            return
        x_min = min(b[0] for b in bounds)
        x_max = max(b[1] for b in bounds)
        y_lows = [b[2] for b in bounds if np.isfinite(b[2])]
        y_highs = [b[3] for b in bounds if np.isfinite(b[3])]
        y_min, y_max = (min(y_lows), max(y_highs)) if y_lows else (0.0, 1.0)
        x_min, x_max = _widen(x_min, x_max, 1.0)
        y_min, y_max = _widen(y_min, y_max, 0.5 if self._log else (abs(y_min) * 0.1 or 1.0))
        x_pad = (x_max - x_min) * _X_PADDING
        y_pad = (y_max - y_min) * _Y_PADDING
        self.view.view_box.setRange(xRange=(x_min - x_pad, x_max + x_pad),
                                    yRange=(y_min - y_pad, y_max + y_pad), padding=0)

    def _update_legend(self) -> None:
        entries = self.legend_entries()
        self._legend.setText(legend_html(entries))
        self._legend.setVisible(bool(entries))

    def _schedule_view_redraw(self, *_signal_args: object) -> None:
        self._view_timer.start()

    def _on_user_moved_view(self, _mask: object) -> None:
        self.following = False
        self.viewMovedByUser.emit()


def _widen(low: float, high: float, half_span: float) -> tuple[float, float]:
    """A range of one value gets some height, so a flat line sits mid-chart."""
    return (low - half_span, high + half_span) if low == high else (low, high)
