"""Crosshair, point dots and the tooltip box drawn while the mouse is over the chart."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from musiclab_desktop.ui.metrics.palette import TOOLTIP_STYLE
from musiclab_desktop.ui.metrics.view import ChartView

_TOOLTIP_OFFSET = 14


@dataclass(frozen=True)
class HoverMark:
    """One highlighted point, in view coordinates."""

    x: float
    y: float
    colour: QColor


class HoverOverlay:
    def __init__(self, view: ChartView) -> None:
        self._view = view
        plot = view.getPlotItem()
        self.v_line = pg.InfiniteLine(angle=90, movable=False)
        self.h_line = pg.InfiniteLine(angle=0, movable=False)
        self.dots = pg.ScatterPlotItem(size=9, pen=pg.mkPen("#FFFFFF", width=1.5))
        for item in (self.v_line, self.h_line, self.dots):
            item.setZValue(50)
            plot.addItem(item, ignoreBounds=True)
        self.tooltip = QLabel(view)
        self.tooltip.setObjectName("metricsTooltip")
        self.tooltip.setStyleSheet(TOOLTIP_STYLE)
        self.tooltip.setTextFormat(Qt.TextFormat.PlainText)
        # Purely visual: it must never take the mouse or focus from the chart or terminal.
        self.tooltip.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.tooltip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    def set_colour(self, colour: QColor) -> None:
        pen = pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine)
        self.v_line.setPen(pen)
        self.h_line.setPen(pen)

    @property
    def visible(self) -> bool:
        return self.tooltip.isVisible()

    def show(self, step: float, marks: list[HoverMark], text: str, horizontal: bool) -> None:
        self.v_line.setPos(step)
        self.v_line.show()
        finite = [m for m in marks if math.isfinite(m.y)]
        self.h_line.setVisible(horizontal and bool(finite))
        if finite:
            self.h_line.setPos(finite[0].y)
        self.dots.setData(
            x=[m.x for m in finite], y=[m.y for m in finite], brush=[m.colour for m in finite]
        )
        self.dots.show()
        self.tooltip.setText(text)
        self.tooltip.adjustSize()
        anchor = finite[0] if finite else HoverMark(step, self._view_mid_y(), QColor())
        self._place_tooltip(anchor)
        self.tooltip.show()
        self.tooltip.raise_()

    def hide(self) -> None:
        for item in (self.v_line, self.h_line, self.dots):
            item.hide()
        self.tooltip.hide()

    def _view_mid_y(self) -> float:
        (_, _), (y_min, y_max) = self._view.view_box.viewRange()
        return (y_min + y_max) / 2

    def _place_tooltip(self, anchor: HoverMark) -> None:
        """Beside the point, flipped to the other side where it would leave the plot
        area, and never over the axes."""
        view_box = self._view.view_box
        point = self._view.mapFromScene(view_box.mapViewToScene(QPointF(anchor.x, anchor.y)))
        area = self._view.mapFromScene(view_box.sceneBoundingRect()).boundingRect()
        size = self.tooltip.size()
        x = point.x() + _TOOLTIP_OFFSET
        if x + size.width() > area.right():
            x = point.x() - _TOOLTIP_OFFSET - size.width()
        y = point.y() + _TOOLTIP_OFFSET
        if y + size.height() > area.bottom():
            y = point.y() - _TOOLTIP_OFFSET - size.height()
        x = max(area.left(), min(x, area.right() - size.width()))
        y = max(area.top(), min(y, area.bottom() - size.height()))
        self.tooltip.move(x, y)
