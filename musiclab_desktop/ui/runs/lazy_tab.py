"""The Runs tab's slot, which builds the real page the first time it is needed.

The page brings pyqtgraph, numpy and pyte with it (about half a second of imports);
most starts of the app show an Overview first, so the window paints without them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.prompts import Prompts

if TYPE_CHECKING:
    from musiclab_desktop.ui.runs.runs_page import RunsPage


class LazyRunsTab(QWidget):
    """Forwards the selected experiment; builds the RunsPage on first show or use."""

    runsChanged = Signal(int)

    def __init__(self, library: Library, manager: RunManager, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runsTab")
        self._args = (library, manager, prompts)
        self._page: RunsPage | None = None
        self._experiment: ExperimentRecord | None = None
        self._start_check: Callable[[], bool] | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def page(self) -> RunsPage:
        if self._page is None:
            from musiclab_desktop.ui.runs.runs_page import RunsPage

            self._page = RunsPage(*self._args, parent=self)
            self._page.runsChanged.connect(self.runsChanged)
            self._page.set_experiment(self._experiment)
            if self._start_check is not None:
                self._page.set_start_check(self._start_check)
            self._layout.addWidget(self._page)
        return self._page

    def set_start_check(self, check: Callable[[], bool]) -> None:
        self._start_check = check
        if self._page is not None:
            self._page.set_start_check(check)

    def is_built(self) -> bool:
        return self._page is not None

    def set_experiment(self, record: ExperimentRecord | None) -> None:
        self._experiment = record
        if self._page is not None:
            self._page.set_experiment(record)

    def showEvent(self, event: QShowEvent) -> None:
        self.page  # noqa: B018 - building is the point
        super().showEvent(event)
