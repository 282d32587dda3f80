"""The pyqtgraph plot itself, tuned to live beneath a terminal in a scrolling page."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QWidget

from musiclab_desktop.ui.metrics.palette import PlotTheme

X_AXIS_LABEL = "Step"


class StepAxis(pg.AxisItem):
    """Steps read as 120,000 rather than 120000 or a '(x1e+05)' scale in the label."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing * scale < 1:
            return super().tickStrings(values, scale, spacing)
        return [f"{value * scale:,.0f}" for value in values]


class ChartView(pg.PlotWidget):
    """A PlotWidget that never takes keyboard focus (the terminal above keeps it) and
    zooms only with Ctrl+wheel, so a plain wheel keeps scrolling the page it sits in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"bottom": StepAxis()})
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
        view_box.setMouseEnabled(x=True, y=True)
        self.setMinimumHeight(160)

    @property
    def view_box(self) -> pg.ViewBox:
        return self.getPlotItem().getViewBox()

    def set_y_label(self, text: str) -> None:
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
