"""The base of the feeds that keep a runs-table column of figures measured on the side
(the Rating column, the Disk column) current: they read for the runs the table shows
anew, off the GUI thread, and hand the figures to the model."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject

from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.runs.runs_model import RunsTableModel


class ColumnFeed(QObject):
    """``read(run_ids)`` runs for every run the table shows anew: all of them after a
    reset, the inserted ones after an insert."""

    def __init__(
        self,
        controller: ExperimentsController,
        model: RunsTableModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._model = model
        self._follow(controller)
        model.modelReset.connect(lambda: self.read([run.id for run in model.runs()]))
        model.rowsInserted.connect(lambda _parent, first, last: self.read(
            [model.run_at(row).id for row in range(first, last + 1)]))

    def _follow(self, controller: ExperimentsController) -> None:
        """Connect what else changes the figures (a run ends, a rating is given)."""

    def read(self, run_ids: Iterable[int]) -> None:
        raise NotImplementedError
