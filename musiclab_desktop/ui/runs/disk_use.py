"""Keeps the runs table's Disk column (bytes of each run's folder) current.

Walking a run folder (checkpoints, the encoded-audio cache, samples) reads many file
sizes, so it happens off the GUI thread: when runs appear in the table and when a
run ends (its last checkpoint, adapter move or samples change its size).
"""

from __future__ import annotations

from collections.abc import Iterable

from musiclab_desktop.core.checkpoints import folder_size
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.ops import QueryOp
from musiclab_desktop.ui.runs.column_feed import ColumnFeed


class DiskUseFeed(ColumnFeed):
    def _follow(self, controller: ExperimentsController) -> None:
        controller.manager.runFinished.connect(lambda run_id, _status: self.read([run_id]))

    def read(self, run_ids: Iterable[int]) -> None:
        folders = {run.id: run.output_dir for run in self._model.runs() if run.id in set(run_ids)}
        if not folders:
            return
        op = QueryOp(self, op=lambda: {run_id: folder_size(folder)
                                       for run_id, folder in folders.items()},
                     success=self._model.set_disk_use)
        op.run_in_background()
