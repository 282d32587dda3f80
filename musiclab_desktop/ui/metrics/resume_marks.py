"""Where a run was resumed: a dashed vertical line at each resume step, labelled.

A resumed run's points before the line come from the interrupted attempt, those after
it from the resumed one (the interrupted attempt's later points were superseded), so
a change of speed or of noise at the line is explained at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt

from musiclab_desktop.ui.metrics.view import ChartView

LINE_COLOUR = "#8a6d3b"


class ResumeMarks(QObject):
    def __init__(self, view: ChartView) -> None:
        super().__init__(view)
        self._plot = view.getPlotItem()
        self._lines: list[pg.InfiniteLine] = []

    def set_steps(self, steps: Iterable[int]) -> None:
        for line in self._lines:
            self._plot.removeItem(line)
        self._lines = []
        for step in sorted(set(steps)):
            line = pg.InfiniteLine(
                pos=step, angle=90, movable=False,
                pen=pg.mkPen(LINE_COLOUR, width=1, style=Qt.PenStyle.DashLine),
                label=f"resumed from {step}",
                labelOpts={"position": 0.92, "color": LINE_COLOUR, "movable": False},
            )
            line.setToolTip(f"Resumed from the checkpoint of step {step}")
            line.setZValue(15)
            self._plot.addItem(line, ignoreBounds=True)
            self._lines.append(line)

    def steps(self) -> list[int]:
        return [round(line.value()) for line in self._lines]
