"""Glyphs on the chart's step axis where a run has samples; a click on one asks to play it.

The glyphs sit at the bottom edge of the visible range whatever the zoom or log scale,
so they read as marks on the x axis rather than data points.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal

from musiclab_desktop.ui.metrics.view import ChartView

GLYPH = "t1"  # a small triangle pointing up at the curve
GLYPH_SIZE = 11
GLYPH_BRUSH = "#e0a030"
EDGE_FRACTION = 0.04  # how far above the bottom edge, as a share of the visible height


class SampleMarks(QObject):
    """The sampled steps of one run, drawn on ``view``; ``clicked`` carries the step."""

    clicked = Signal(int)

    def __init__(self, view: ChartView) -> None:
        super().__init__(view)
        self._view = view
        self._steps = np.empty(0)
        self.item = pg.ScatterPlotItem(
            symbol=GLYPH,
            size=GLYPH_SIZE,
            brush=pg.mkBrush(GLYPH_BRUSH),
            pen=pg.mkPen("#7a5310"),
            hoverable=True,
            tip=lambda x, y, data: f"Sample at step {x:,.0f} (click to play)",
        )
        self.item.setZValue(20)
        self.item.sigClicked.connect(self._on_clicked)
        view.getPlotItem().addItem(self.item)
        view.view_box.sigRangeChanged.connect(self._place)

    def set_steps(self, steps: Iterable[int]) -> None:
        self._steps = np.array(sorted(set(steps)), dtype=float)
        self._place()

    def steps(self) -> list[int]:
        return [int(step) for step in self._steps]

    def click_step(self, step: int) -> None:
        """What a click on the glyph at ``step`` does (tests and keyboard use it too)."""
        self.clicked.emit(step)

    def _place(self, *_args: Any) -> None:
        (_x_min, _x_max), (y_min, y_max) = self._view.view_box.viewRange()
        y = y_min + (y_max - y_min) * EDGE_FRACTION
        self.item.setData(x=self._steps, y=np.full(len(self._steps), y))

    def _on_clicked(self, _item: Any, points: Any, _event: Any) -> None:
        if len(points):
            self.click_step(round(points[0].pos().x()))
