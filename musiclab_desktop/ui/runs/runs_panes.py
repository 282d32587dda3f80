"""The Runs page's three panes (table, terminal, chart) in one vertical splitter.

Until the person drags a handle, or the window restores the sizes they left, the panes
share the page's height in fixed proportions; the terminal or the chart can have the
whole page (the maximize toggles) and share it again.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtWidgets import QSplitter, QToolButton, QWidget

TABLE_HEIGHT = 150
TERMINAL_HEIGHT = 220
CHART_HEIGHT = 260
# Shares of the splitter's height until the person drags a handle (or the window
# restores the sizes they left).
DEFAULT_SHARES = (TABLE_HEIGHT, TERMINAL_HEIGHT, CHART_HEIGHT)
# Which pane has the whole page (maximize toggles); None: all three share it.
CHART, TERMINAL = "chart", "terminal"
MAXIMIZE_TIP = "Give the {} the whole page (this button again shares it)"
SHARE_TIP = "Share the page again with the table and the other pane"


class RunsPanes(QObject):
    """``moved``: the person dragged a handle (the window remembers the sizes)."""

    moved = Signal()

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self._maximized: str | None = None
        self.terminal_max_button = self._maximize_button(page, TERMINAL,
                                                         "maximizeTerminalButton")
        self.chart_max_button = self._maximize_button(page, CHART, "maximizeChartButton")
        self.splitter = QSplitter(Qt.Orientation.Vertical, page)
        self.splitter.setObjectName("runsSplitter")
        self.splitter.setChildrenCollapsible(False)
        # Until a drag or a restore, sizes follow the page's height in these shares:
        # set once at construction, the small first size would skew them for good.
        self._sizes_chosen = False
        self._pending_state: QByteArray | None = None
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

    def _maximize_button(self, page: QWidget, pane: str, name: str) -> QToolButton:
        button = QToolButton(page)
        button.setObjectName(name)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setText("⤢")
        button.setToolTip(MAXIMIZE_TIP.format(pane))
        button.setAccessibleName(f"Maximize the {pane}")
        button.toggled.connect(lambda on: self.maximize(pane if on else None))
        return button

    def fill(self, table: QWidget, terminal: QWidget, chart: QWidget) -> None:
        """Put the three panes in the splitter, each resizable."""
        self._panes = (table, terminal, chart)
        for index, (pane, stretch) in enumerate(zip(self._panes, (1, 2, 3), strict=True)):
            self.splitter.addWidget(pane)
            self.splitter.setStretchFactor(index, stretch)
        self.splitter.setSizes(list(DEFAULT_SHARES))

    def maximize(self, pane: str | None) -> None:
        """Give the chart or the terminal (``CHART``, ``TERMINAL``) the whole page, or
        (None) share it again between table, terminal and chart."""
        if pane == self._maximized:
            return
        self._maximized = pane
        table, terminal, chart = self._panes
        table.setVisible(pane is None)
        terminal.setVisible(pane in (None, TERMINAL))
        chart.setVisible(pane in (None, CHART))
        for button, name in ((self.terminal_max_button, TERMINAL),
                             (self.chart_max_button, CHART)):
            button.blockSignals(True)
            button.setChecked(pane == name)
            button.setText("⤡" if pane == name else "⤢")
            button.setToolTip(SHARE_TIP if pane == name else MAXIMIZE_TIP.format(name))
            button.blockSignals(False)

    def maximized(self) -> str | None:
        return self._maximized

    def restore(self, state: QByteArray) -> None:
        """Sizes saved by ``splitter.saveState()``, applied by the next ``apply_sizes``."""
        self._pending_state = state
        self._sizes_chosen = True

    def apply_sizes(self) -> None:
        """Once the page has its size: the restored sizes, or the default shares of it."""
        if self._pending_state is not None:
            state, self._pending_state = self._pending_state, None
            self.splitter.restoreState(state)
        elif not self._sizes_chosen and self._maximized is None:
            total = sum(self.splitter.sizes())
            shares = sum(DEFAULT_SHARES)
            self.splitter.setSizes([total * share // shares for share in DEFAULT_SHARES])

    def _on_splitter_moved(self, *_args: object) -> None:
        self._sizes_chosen = True
        self.moved.emit()
