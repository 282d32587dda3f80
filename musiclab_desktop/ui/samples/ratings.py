"""Keeps the runs table's Rating column (the mean listener rating of each run's
samples) current: read when runs appear in the table and when ratings change."""

from __future__ import annotations

from collections.abc import Iterable

from musiclab_desktop.core.records import SampleRecord
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.ops import QueryOp
from musiclab_desktop.ui.runs.column_feed import ColumnFeed


class RatingsFeed(ColumnFeed):
    def _follow(self, controller: ExperimentsController) -> None:
        self._held = False  # here: the base class calls _follow before any read
        controller.notice.changed.connect(self._on_change)

    def _read_all(self) -> None:
        self.read(run.id for run in self._model.runs())

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


def rated_steps(records: Iterable[SampleRecord]) -> list[tuple[int, int]]:
    """(step, rating) of the rated ones, for the CSV export."""
    return [(record.step, record.rating) for record in records if record.rating is not None]
