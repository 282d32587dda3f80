"""The pyqtgraph plot itself, tuned to live beneath a terminal in a scrolling page."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QWheelEvent
from PySide6.QtWidgets import QWidget

from musiclab_desktop.ui.metrics.palette import PlotTheme

X_AXIS_LABEL = "Step"
# Room the rotated y label leaves at the ends of the axis, in pixels: pyqtgraph clips
# it well inside the axis' length (measured: a 106 px axis shows about 66 px of label).
_LABEL_MARGIN_PX = 40


class StepAxis(pg.AxisItem):
    """Steps read as 120,000 rather than 120000 or a '(x1e+05)' scale in the label, and
    only whole steps get a tick: there is no step 2.5."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.enableAutoSIPrefix(False)
        # Added to every x to label it: a continued run drawn after its parent's curve
        # counts on from the parent's last step (parent_overlay.py).
        self.step_offset = 0

    def set_step_offset(self, offset: int) -> None:
        if offset != self.step_offset:
            self.step_offset = offset
            self.picture = None  # pyqtgraph's cached ticks: drawn again with the offset
            self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float
                   ) -> list[tuple[float, list[float]]]:
        # Round numbers of the labelled steps, not of the view coordinates.
        offset = self.step_offset
        low, high = minVal + offset, maxVal + offset
        levels = [(spacing, [v - offset for v in values if float(v).is_integer()])
                  for spacing, values in super().tickValues(low, high, size)
                  if spacing >= 1]
        if not levels:  # zoomed in under a step apart: every whole step in view
            first, last = math.ceil(low), math.floor(high)
            levels = [(1.0, [float(v - offset) for v in range(first, last + 1)][:50])]
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{round(value * scale) + self.step_offset:,}" for value in values]


class ValueAxis(pg.AxisItem):
    """Values as short numbers (0.001, 2.5e-05) instead of a '(x0.001)' scale glued to
    the label, which a short chart cuts off."""

    def __init__(self) -> None:
        super().__init__("left")
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode:
            return super().tickStrings(values, scale, spacing)
        return [_short_number(value * scale, spacing * scale) for value in values]


def _short_number(value: float, spacing: float) -> str:
    if value == 0:
        return "0"
    if abs(spacing) >= 1e-3 and abs(value) < 1e6:
        # As many decimals as the tick spacing needs (0.25 apart: two).
        decimals = next((d for d in range(7)
                         if math.isclose(round(spacing, d), spacing, rel_tol=1e-6)), 6)
        return f"{value:.{decimals}f}"
    return f"{value:.2g}" if abs(spacing) < 1e-3 else f"{value:.3g}"


def fit_axis_label(full: str, short: str, room_px: int, metrics: QFontMetrics) -> str:
    """The longest of ``full`` (with its unit), ``short`` (without), or ``short``
    elided, that fits ``room_px``: a label cut mid-word reads as a different one."""
    for text in (full, short):
        if metrics.horizontalAdvance(text) <= room_px:
            return text
    return metrics.elidedText(short, Qt.TextElideMode.ElideRight, max(room_px, 0))


class ChartView(pg.PlotWidget):
    """A PlotWidget that never takes keyboard focus (the terminal above keeps it) and
    zooms only with Ctrl+wheel, so a plain wheel keeps scrolling the page it sits in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"bottom": StepAxis(), "left": ValueAxis()})
        self.setObjectName("metricsPlot")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        item = self.getPlotItem()
        # The chart draws its own ranges, log scale and export: pyqtgraph's menus and
        # auto-range button would fight with them.
        item.setMenuEnabled(False, enableViewBoxMenu=False)
        item.hideButtons()
        item.setLabel("bottom", X_AXIS_LABEL)
        view_box = item.getViewBox()
        view_box.disableAutoRange()
        # Zoom and pan move along the steps; the values keep their full range (the
        # question is usually "what happened around step N"). Reset view shows all.
        view_box.setMouseEnabled(x=True, y=False)
        self.setMinimumHeight(120)
        self._y_label = ("", "")
        view_box.sigResized.connect(self._fit_y_label)

    @property
    def view_box(self) -> pg.ViewBox:
        return self.getPlotItem().getViewBox()

    def set_y_label(self, text: str, short: str = "") -> None:
        """``text`` when it fits the axis' height, else ``short`` (no unit)."""
        self._y_label = (text, short or text)
        self._fit_y_label()

    def y_label_text(self) -> str:
        """The label as shown (after fitting)."""
        return str(self.getPlotItem().getAxis("left").labelText)

    def _fit_y_label(self) -> None:
        full, short = self._y_label
        axis = self.getPlotItem().getAxis("left")
        room = int(self.getPlotItem().getViewBox().height()) - _LABEL_MARGIN_PX
        if room <= 0:  # not laid out yet: the resize fits it
            room = max(self.height() - 60, 0)
        # The label item pads its text (document margins): measure what it will draw.
        padding = int(2 * axis.label.document().documentMargin())
        text = fit_axis_label(full, short, room - padding, QFontMetrics(axis.label.font()))
        if text != axis.labelText:
            self.getPlotItem().setLabel("left", text)


    def set_log_y(self, log: bool) -> None:
        # Values are log10-transformed by the chart; the axis only prints 10^k ticks.
        self.getPlotItem().getAxis("left").setLogMode(False, log)

    def apply_theme(self, theme: PlotTheme) -> None:
        self.setBackground(theme.background)
        item = self.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(theme.foreground)
            axis.setTextPen(theme.foreground)
            # Sub-minor grid lines add nothing readable and triple the grid's paint time.
            axis.setStyle(maxTickLevel=1)
        item.showGrid(x=True, y=True, alpha=theme.grid_alpha)

    def wheelEvent(self, ev: QWheelEvent) -> None:
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(ev)
        else:
            ev.ignore()
