"""Keeps the runs table's Rating column (the mean listener rating of each run's
samples) current: read when runs appear in the table and when ratings change."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QObject

from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.ops import QueryOp
from musiclab_desktop.ui.runs.runs_model import RunsTableModel


class RatingsFeed(QObject):
    def __init__(
        self,
        controller: ExperimentsController,
        model: RunsTableModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._model = model
        self._held = False
        model.modelReset.connect(self._read_all)
        model.rowsInserted.connect(self._read_inserted)
        controller.notice.changed.connect(self._on_change)

    def _read_all(self) -> None:
        self.read(run.id for run in self._model.runs())

    def _read_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.read(self._model.run_at(row).id for row in range(first, last + 1))

    def _on_change(self, change: Change) -> None:
        known = {run.id for run in self._model.runs()}
        if change.samples & known:
            self.read(change.samples & known)

    def hold(self, held: bool) -> None:
        """While a blind rating is under way the column keeps what it showed before (new
        ratings per run would tell which column is which run); after, it reads them all."""
        self._held = held
        if not held:
            self._read_all()

    def is_held(self) -> bool:
        return self._held

    def read(self, run_ids: Iterable[int]) -> None:
        ids = set(run_ids)
        if not ids or self._held:
            return
        library = self._controller.library
        op = QueryOp(
            self,
            op=lambda: library.samples.mean_ratings(ids),
            success=lambda ratings: self._model.set_ratings(ratings, ids),
        )
        op.run_in_background()
