"""The parent's curve before a continued run's own.

A run continued from a finished one starts from its parent's adapter, and counts its
steps from 1 again. Its chart can draw the parent's points first, at the steps the
parent had them (muted, not hoverable), with the run's own points continuing after:
the run's points keep their own coordinates and the step axis counts on from the
parent's last step, so the run's sample glyphs, resume lines, clicks and export stay
in the run's own steps. A dotted line marks where the continued run begins.

The parent's metrics may arrive before or after the run's, so they are kept by the
continued run's id and drawn whenever that run is shown alone.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from musiclab_desktop.ui.metrics.curve import to_view_y
from musiclab_desktop.ui.metrics.series import RunMetrics
from musiclab_desktop.ui.metrics.smoothing import ema_debiased
from musiclab_desktop.ui.metrics.view import ChartView, StepAxis

MUTED_ALPHA = 110
# Between the parent's last step (0 in view coordinates) and the run's first (1).
_BOUNDARY_X = 0.5


class ParentOverlay(QObject):
    def __init__(self, view: ChartView) -> None:
        super().__init__(view)
        self._plot = view.getPlotItem()
        axis = self._plot.getAxis("bottom")
        assert isinstance(axis, StepAxis)
        self._axis = axis
        self._parents: dict[int, RunMetrics] = {}
        self._alone: int | None = None
        self.enabled = True
        self._metric: str | None = None
        self._log = False
        self._smoothing = 0.0
        self._colour = QColor("#808080")
        self.curve = pg.PlotDataItem(
            clipToView=True, autoDownsample=True, downsampleMethod="peak", connect="finite"
        )
        self.curve.setZValue(-5)  # beneath the run's own curve
        self.boundary = pg.InfiniteLine(
            pos=_BOUNDARY_X,
            angle=90,
            movable=False,
            label="continued",
            labelOpts={"position": 0.08, "movable": False},
        )
        self.boundary.setZValue(14)
        for item in (self.curve, self.boundary):
            self._plot.addItem(item, ignoreBounds=True)
        self._apply()

    # --- what to draw -----------------------------------------------------------------

    def set_parent(self, run_id: int, parent: RunMetrics | None) -> None:
        """``parent``'s metrics go before ``run_id``'s (None: it has none)."""
        if parent is None or parent.last_step is None:
            self._parents.pop(run_id, None)
        else:
            self._parents[run_id] = parent
        self._apply()

    def show_alone(self, run_id: int | None) -> None:
        """Draw the parent of ``run_id`` (None: runs compared or none, no parent)."""
        self._alone = run_id
        self._apply()

    def clear(self) -> None:
        self._parents = {}
        self._alone = None
        self._apply()

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        self._apply()

    def set_style(self, metric: str | None, colour: QColor) -> None:
        self._metric = metric
        self._colour = QColor(colour)
        self._apply()

    def set_log(self, log: bool) -> None:
        self._log = log
        self._apply()

    def set_smoothing(self, weight: float) -> None:
        self._smoothing = weight
        self._apply()

    # --- reading ------------------------------------------------------------------------

    def parent_run(self) -> RunMetrics | None:
        """The parent of the run shown alone, whether drawn or not."""
        return self._parents.get(self._alone) if self._alone is not None else None

    def shown(self) -> RunMetrics | None:
        """The parent drawn now (None when hidden)."""
        return self.parent_run() if self.enabled else None

    def step_offset(self) -> int:
        """What the axis adds to a view x: the parent's last step while it is drawn."""
        parent = self.shown()
        return round(parent.last_step or 0) if parent is not None else 0

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(x_min, x_max, y_min, y_max) of the drawn parent curve in view coordinates."""
        x, y = self.curve.getData()
        if x is None or not len(x):
            return None
        finite = y[np.isfinite(y)]
        if not len(finite):
            return float(x[0]), float(x[-1]), np.nan, np.nan
        return float(x[0]), float(x[-1]), float(finite.min()), float(finite.max())

    # --- drawing ------------------------------------------------------------------------

    def _apply(self) -> None:
        parent = self.shown()
        offset = self.step_offset()
        self._axis.set_step_offset(offset)
        self.boundary.setVisible(parent is not None)
        series = parent.series.get(self._metric) if parent and self._metric else None
        if parent is None or series is None or not len(series):
            self.curve.setData([], [])
            self.curve.setVisible(False)
            if parent is not None:
                self._label_boundary(parent)
            return
        values = series.values
        if self._smoothing > 0:
            values, _state = ema_debiased(values, self._smoothing)
        muted = QColor(self._colour)
        muted.setAlpha(MUTED_ALPHA)
        self.curve.setPen(pg.mkPen(muted, width=1))
        self.curve.setData(series.steps - offset, to_view_y(np.array(values), self._log))
        self.curve.setVisible(True)
        self._label_boundary(parent)

    def _label_boundary(self, parent: RunMetrics) -> None:
        muted = QColor(self._colour)
        muted.setAlpha(MUTED_ALPHA + 60)
        self.boundary.setPen(pg.mkPen(muted, width=1, style=Qt.PenStyle.DotLine))
        self.boundary.label.setText(f"continued from {parent.run_name}")
        self.boundary.label.setColor(muted)
        self.boundary.setToolTip(
            f"Left: the parent run “{parent.run_name}” (muted), at its own steps up to "
            f"{round(parent.last_step or 0):,}. Right: this run, counted on from there."
        )
