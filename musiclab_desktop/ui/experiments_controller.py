"""The main window's view-model: what the list shows, and every change made to the library.

Widgets call these methods instead of the core services and the run manager. Each
change ends with one :class:`~musiclab_desktop.ui.change_notice.Change` on
:attr:`ExperimentsController.notice`, which the list (here), the detail tabs and the
runs page follow. Slow work comes back as an op (see ``ui/ops.py``) for the caller to
finish and start. Errors from core (MusiclabError) pass through unchanged for the
caller to show as a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal

from musiclab_desktop.core.errors import MusiclabError, NotFoundError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import (
    AdapterRecord,
    DatasetRecord,
    ExperimentRecord,
    RunRecord,
)
from musiclab_desktop.runner.interpreter import build_tiny_model
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.targets.seam import start_on_target
from musiclab_desktop.runner.targets.store import last_target, load_targets
from musiclab_desktop.ui import library_work
from musiclab_desktop.ui.change_notice import Change, notice_for
from musiclab_desktop.ui.experiment_list.model import ExperimentListModel
from musiclab_desktop.ui.library_work import Comparison, RunDeletion, RunHistory
from musiclab_desktop.ui.ops import ChangeOp, QueryOp


class ExperimentsController(QObject):
    """Holds the list filter, applies changes through core and announces them."""

    # Emitted after the list was reloaded (filter change, creation, refresh).
    listReloaded = Signal()

    def __init__(self, library: Library, manager: RunManager,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.manager = manager
        self.notice = notice_for(library)
        self.model = ExperimentListModel(self)
        self._show_archived = False
        self._search = ""
        self.notice.changed.connect(self._on_change)
        manager.runStatusChanged.connect(self._on_run_status)

    # --- the list ------------------------------------------------------------

    @property
    def show_archived(self) -> bool:
        return self._show_archived

    @property
    def search(self) -> str:
        return self._search

    def set_show_archived(self, show: bool) -> None:
        if show != self._show_archived:
            self._show_archived = show
            self.reload()

    def set_search(self, text: str) -> None:
        if text.strip() != self._search:
            self._search = text.strip()
            self.reload()

    def reload(self) -> None:
        records = self.library.experiments.list(
            include_archived=self._show_archived, search=self._search
        )
        self.model.set_records(records)
        self.listReloaded.emit()

    def has_any_experiment(self) -> bool:
        """False only when the library holds no experiment at all, archived included."""
        if self.model.rowCount():
            return True
        return bool(self.library.experiments.list(include_archived=True))

    def get(self, experiment_id: int) -> ExperimentRecord:
        return self.library.experiments.get(experiment_id)

    def _on_change(self, change: Change) -> None:
        """The list's part of every change: new rows, changed rows, rows gone."""
        if change.experiment_list:
            self.reload()
            return
        for experiment_id in change.experiments:
            try:
                record = self.get(experiment_id)
            except NotFoundError:
                self.model.remove(experiment_id)
                continue
            if record.archived and not self._show_archived:
                self.model.remove(record.id)
            else:
                self.model.update_record(record)

    # --- changes to experiments ------------------------------------------------

    def create(self, name: str, description: str, dataset_id: int | None,
               config: dict[str, Any] | None) -> ExperimentRecord:
        record = self.library.experiments.create(
            name, description=description, dataset_id=dataset_id, config=config
        )
        self.notice.notify(Change.of(experiments=[record.id], experiment_list=True))
        return record

    def archive(self, experiment_id: int) -> ExperimentRecord:
        return self._changed(self.library.experiments.archive(experiment_id))

    def unarchive(self, experiment_id: int) -> ExperimentRecord:
        return self._changed(self.library.experiments.unarchive(experiment_id))

    def update_config(self, experiment_id: int, config: dict[str, Any]) -> ExperimentRecord:
        return self._changed(self.library.experiments.update(experiment_id, config=config))

    def link_dataset(self, experiment_id: int, dataset_id: int | None) -> ExperimentRecord:
        return self._changed(self.library.experiments.update(experiment_id,
                                                             dataset_id=dataset_id))

    def _changed(self, record: ExperimentRecord) -> ExperimentRecord:
        self.notice.notify(Change.of(experiments=[record.id]))
        return record

    def make_demo(self, parent: QObject, python: str, success: Callable[[Any], None],
                  on_step: Callable[[int], None] | None = None) -> ChangeOp[Any]:
        """The offline demo (tiny model, synthesized clips, an experiment), as an op;
        ``on_step`` is called on the pool thread (hand it a ProgressRelay's report)."""
        def make() -> Any:
            # Imported here: the demo synthesizes audio with numpy and soundfile, which
            # the window does not need to paint.
            from musiclab_desktop.core.demo import create_demo

            return create_demo(self.library, lambda folder: build_tiny_model(python, folder),
                               on_step)

        return ChangeOp(parent, self.notice, op=make, success=success,
                        change=Change.of(experiment_list=True, datasets=True))

    # --- what the detail view reads -----------------------------------------------

    def datasets(self) -> list[DatasetRecord]:
        return self.library.datasets.list()

    def dataset(self, dataset_id: int) -> DatasetRecord:
        return self.library.datasets.get(dataset_id)

    def adapters(self, experiment_id: int) -> list[AdapterRecord]:
        return self.library.adapters.list(experiment_id)

    # --- runs ------------------------------------------------------------------------

    def runs(self, experiment_id: int) -> list[RunRecord]:
        return self.library.runs.list(experiment_id)

    def run(self, run_id: int) -> RunRecord:
        return self.library.runs.get(run_id)

    def next_run_name(self, experiment_id: int) -> str:
        return self.library.runs.next_name(experiment_id)

    def target_choices(self, experiment_id: int) -> tuple[list[str], str | None]:
        """The stored run targets' names, and the one the experiment used last."""
        try:
            return [t.name for t in load_targets()], last_target(experiment_id)
        except MusiclabError:
            return [], None  # unreadable stored targets: this machine only

    def start_refusal(self, experiment_id: int) -> str | None:
        """Why no run of the experiment can start now, or None when one can."""
        return self.library.experiments.start_refusal(experiment_id)

    def start_run(self, experiment_id: int, name: str | None,
                  override: dict[str, Any] | None, target: str | None = None) -> RunRecord:
        run = self.library.runs.prepare_start(experiment_id, name=name, override=override)
        # The run target (None: this machine), also remembered as the experiment's choice.
        run = start_on_target(self.library, run, target)
        self.manager.start(run)
        self.notice.notify(Change.of(experiments=[experiment_id], runs=[run.id]))
        return self.run(run.id)

    def cancel_run(self, run_id: int) -> None:
        self.manager.cancel(run_id)

    def delete_runs(self, parent: QObject, experiment_id: int, run_ids: list[int],
                    success: Callable[[RunDeletion], None]) -> ChangeOp[RunDeletion]:
        """Deleting removes run folders (``rmtree``): seconds on a big run, so an op."""
        return ChangeOp(parent, self.notice,
                        op=partial(library_work.delete_runs, self.library, experiment_id,
                                   run_ids),
                        success=success,
                        change=Change.of(experiments=[experiment_id], runs=run_ids))

    def load_history(self, parent: QObject, run_id: int,
                     success: Callable[[RunHistory], None]) -> QueryOp[RunHistory]:
        """One consistent snapshot of a run's log and metrics, while it may be writing.

        The runner flushes first and the snapshot's end (the stored chunk count) is
        noted here, on the GUI thread: live bytes that arrive later are the caller's
        to add, so together they are every byte once, in order.
        """
        self.manager.flush(run_id)
        end_chunk = self.library.telemetry.log_chunk_count(run_id)
        return QueryOp(parent, op=partial(library_work.read_history, self.library, run_id,
                                          end_chunk), success=success)

    def load_comparison(self, parent: QObject, run_ids: list[int],
                        success: Callable[[Comparison], None]) -> QueryOp[Comparison]:
        for run_id in run_ids:
            self.manager.flush(run_id)
        return QueryOp(parent, op=partial(library_work.read_comparison, self.library,
                                          run_ids), success=success)

    def _on_run_status(self, run_id: int, _status: str) -> None:
        """The runner moved a run on: its row, its experiment's status, maybe an adapter."""
        try:
            run = self.run(run_id)
        except NotFoundError:
            return
        self.notice.notify(Change.of(experiments=[run.experiment_id], runs=[run_id],
                                     adapters=run.is_terminal))
