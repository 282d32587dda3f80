"""The Runs tab's slot, which builds the real page the first time it is needed.

The page brings pyqtgraph, numpy and pyte with it (about half a second of imports);
most starts of the app show an Overview first, so the window paints without them.

Once built, a hidden page is not told of every experiment switch: reading and laying
out thousands of runs for a page nobody sees would slow every switch. The page
catches up with the experiment shown when it is shown, or when code asks for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.prompts import Prompts

if TYPE_CHECKING:
    from musiclab_desktop.ui.runs.runs_page import RunsPage


class LazyRunsTab(QWidget):
    """Forwards the selected experiment; builds the RunsPage on first show or use."""

    pageBuilt = Signal(object)  # the RunsPage, once, when first built

    def __init__(self, controller: ExperimentsController, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runsTab")
        self._args = (controller, prompts)
        self._page: RunsPage | None = None
        self._experiment: ExperimentRecord | None = None
        self._stale = False  # the page shows another experiment than self._experiment
        self._start_check: Callable[[], bool] | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def page(self) -> RunsPage:
        """The page, built if need be, showing the current experiment."""
        if self._page is None:
            from musiclab_desktop.ui.runs.runs_page import RunsPage

            self._page = RunsPage(*self._args, parent=self)
            self._stale = True
            if self._start_check is not None:
                self._page.set_start_check(self._start_check)
            self._layout.addWidget(self._page)
            self.pageBuilt.emit(self._page)
        if self._stale:
            self._stale = False
            self._page.set_experiment(self._experiment)
        return self._page

    def set_start_check(self, check: Callable[[], bool]) -> None:
        self._start_check = check
        if self._page is not None:
            self._page.set_start_check(check)

    def is_built(self) -> bool:
        return self._page is not None

    def set_experiment(self, record: ExperimentRecord | None) -> None:
        self._experiment = record
        self._stale = True
        if self._page is not None and self.isVisible():
            self.page  # noqa: B018 - brings the page up to date

    def is_stale(self) -> bool:
        """True while a hidden page still shows an earlier experiment."""
        return self._page is not None and self._stale

    def showEvent(self, event: QShowEvent) -> None:
        self.page  # noqa: B018 - building is the point
        super().showEvent(event)
