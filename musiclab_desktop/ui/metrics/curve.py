"""The items drawn for one run's chosen metric: the raw line, its smoothed twin and the
markers of NaN/Inf points, redrawn from the full series for the current view."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtGui import QColor

from musiclab_desktop.ui.metrics.downsample import peak_downsample, thin_positions
from musiclab_desktop.ui.metrics.hover import HoverPoint
from musiclab_desktop.ui.metrics.series import MetricSeries, RunMetrics
from musiclab_desktop.ui.metrics.smoothing import EmaState, ema_debiased
from musiclab_desktop.ui.metrics.stats import SeriesStats

FloatArray = npt.NDArray[np.float64]

_EMPTY = MetricSeries("")
_FAINT_ALPHA = 60
_MARKER_SIZE = 10
_MARKER_INSET_PX = 7


def to_view_y(values: FloatArray, log: bool) -> FloatArray:
    """View coordinates of values: log10 on a log scale, where values <= 0 have no place."""
    if not log:
        return values
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log10(values)
    out[~np.isfinite(out)] = np.nan
    return out


@dataclass(frozen=True)
class ViewGeometry:
    """The visible window in view coordinates and how many pixels it spans."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float
    width_px: int
    y_per_px: float
    log: bool


class _SmoothingCache:
    """Smoothed values of a series, extended on appends instead of recomputed, in a
    buffer that doubles like the series' own (no full copy per live append)."""

    def __init__(self) -> None:
        self._key: tuple[int, int, float] | None = None
        self._buffer: FloatArray = np.empty(0)
        self._size = 0
        self._state = EmaState()

    def values(self, series: MetricSeries, weight: float) -> FloatArray:
        key = (id(series), series.rewrites, weight)
        if key != self._key or self._size > len(series):
            self._key, self._size, self._state = key, 0, EmaState()
        if self._size < len(series):
            tail, self._state = ema_debiased(series.values[self._size :], weight, self._state)
            self._reserve(len(series))
            self._buffer[self._size : len(series)] = tail
            self._size = len(series)
        return self._buffer[: self._size]

    def _reserve(self, needed: int) -> None:
        if needed > len(self._buffer):
            grown = np.empty(max(needed, 2 * len(self._buffer)))
            grown[: self._size] = self._buffer[: self._size]
            self._buffer = grown


class RunCurve:
    def __init__(
        self, plot: pg.PlotItem, run: RunMetrics, metric: str, colour: str, marker_colour: str
    ) -> None:
        self.run = run
        self.metric = metric
        self.colour = QColor(colour)
        self._plot = plot
        self._stats = SeriesStats(self.series)
        self._smoothing = _SmoothingCache()
        self._weight = 0.0
        self.raw = pg.PlotCurveItem(antialias=True)
        self.smooth = pg.PlotCurveItem(antialias=True)
        self.markers = pg.ScatterPlotItem(
            size=_MARKER_SIZE, pen=pg.mkPen("#FFFFFF", width=1), brush=pg.mkBrush(marker_colour)
        )
        for item in (self.raw, self.smooth, self.markers):
            plot.addItem(item, ignoreBounds=True)
        self.set_smoothing(0.0)

    @property
    def series(self) -> MetricSeries:
        # Looked up each time: a live append may create the metric after this curve.
        return self.run.series.get(self.metric, _EMPTY)

    @property
    def stats(self) -> SeriesStats:
        if self._stats.series is not self.series:
            self._stats = SeriesStats(self.series)
        self._stats.refresh()
        return self._stats

    @property
    def smoothing(self) -> float:
        return self._weight

    def set_smoothing(self, weight: float) -> None:
        self._weight = weight
        faint = QColor(self.colour)
        if weight > 0:
            faint.setAlpha(_FAINT_ALPHA)
        self.raw.setPen(pg.mkPen(faint, width=1))
        # Width 1 on purpose: Qt strokes wider antialiased lines through its general
        # path stroker, ten times slower than the cosmetic one.
        self.smooth.setPen(pg.mkPen(self.colour, width=1))
        self.smooth.setVisible(weight > 0)

    def smoothed_values(self) -> FloatArray | None:
        return self._smoothing.values(self.series, self._weight) if self._weight > 0 else None

    def bounds(self, log: bool) -> tuple[float, float, float, float] | None:
        """(x_min, x_max, y_min, y_max) in view coordinates; y falls back to NaN when no
        value is drawable (all NaN, or none positive on a log scale)."""
        series = self.series
        if not len(series):
            return None
        y_bounds = self.stats.value_bounds(log) or (np.nan, np.nan)
        y_low, y_high = (float(v) for v in to_view_y(np.array(y_bounds), log))
        return float(series.steps[0]), float(series.steps[-1]), y_low, y_high

    def draw(self, view: ViewGeometry) -> None:
        series = self.series
        x, y = peak_downsample(series.steps, series.values, view.x_min, view.x_max, view.width_px)
        # A dense envelope (more points than pixels) gains nothing visible from
        # antialiasing but pays a third of the frame for it; sparse lines keep it.
        dense = len(x) >= view.width_px
        self.raw.setData(x, to_view_y(y, view.log), connect="finite", antialias=not dense)
        smoothed = self.smoothed_values()
        if smoothed is not None:
            # Smooth by construction: a min/max pair every 2 px draws the same line
            # with half the path to stroke.
            bins = max(view.width_px // 2, 1)
            x, y = peak_downsample(series.steps, smoothed, view.x_min, view.x_max, bins)
            self.smooth.setData(x, to_view_y(y, view.log), connect="finite")
        self._draw_markers(view)

    def _draw_markers(self, view: ViewGeometry) -> None:
        """NaN and +Inf at the top edge, -Inf at the bottom, so they stay visible at any
        zoom: a training that diverged must show where, not just stop."""
        found = self.stats.nonfinite
        # Hidden rather than emptied: an empty scatter item still costs a paint.
        self.markers.setVisible(bool(len(found)))
        if not len(found):
            return
        inset = _MARKER_INSET_PX * view.y_per_px
        top, bottom = view.y_max - inset, view.y_min + inset
        groups = ((found.nan, top, "d"), (found.pos_inf, top, "t1"), (found.neg_inf, bottom, "t"))
        xs, ys, symbols = [], [], []
        for steps, y, symbol in groups:
            shown = thin_positions(steps, view.x_min, view.x_max, view.width_px)
            xs.append(shown)
            ys.append(np.full(len(shown), y))
            symbols.extend([symbol] * len(shown))
        self.markers.setData(x=np.concatenate(xs), y=np.concatenate(ys), symbol=symbols)

    def point(self, index: int) -> HoverPoint:
        series = self.series
        smoothed = self.smoothed_values()
        return HoverPoint(
            run_name=self.run.run_name,
            step=float(series.steps[index]),
            value=float(series.values[index]),
            wall_time=float(series.wall_times[index]),
            smoothed=None if smoothed is None else float(smoothed[index]),
        )

    def view_values(
        self, indices: npt.NDArray[np.intp], *, log: bool, smoothed: bool = False
    ) -> FloatArray:
        """View y at these indices of the raw line, or of the smoothed one."""
        source = self.smoothed_values() if smoothed else None
        values = self.series.values if source is None else source
        return to_view_y(values[indices], log)

    def remove(self) -> None:
        for item in (self.raw, self.smooth, self.markers):
            self._plot.removeItem(item)
