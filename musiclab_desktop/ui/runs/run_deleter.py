"""Deleting runs from the Runs page: asked first (named or counted), done off the GUI
thread (run folders go with ``rmtree``), the rows removed when the op is back, and a
toast that says what happened, runs deleted elsewhere meanwhile included."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import ExperimentRecord, RunRecord
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.library_work import RunDeletion
from musiclab_desktop.ui.ops import describe_error
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.runs.run_prompts import (
    batch_delete_confirmation,
    delete_confirmation,
    gone_message,
)
from musiclab_desktop.ui.runs.runs_model import RunsTableModel
from musiclab_desktop.ui.toast import show_toast


class RunDeleter(QObject):
    """``forget(run_ids)`` removes deleted runs from the page."""

    def __init__(self, page: QWidget, controller: ExperimentsController, prompts: Prompts,
                 model: RunsTableModel, experiment: Callable[[], ExperimentRecord | None],
                 record: Callable[[int], RunRecord | None],
                 forget: Callable[[set[int]], None]) -> None:
        super().__init__(page)
        self._page, self._controller, self._prompts, self._model = (
            page, controller, prompts, model)
        self._experiment, self._record, self._forget = experiment, record, forget

    def delete_one(self, run_id: int) -> bool:
        run = self._record(run_id)
        if run is None or not run.is_terminal:
            return False
        name = printable(run.name)
        if not self._prompts.confirm(self._page, delete_confirmation(self._page, name)):
            return False
        return self._delete([run_id], f"Run “{name}” deleted")

    def delete_checked(self) -> bool:
        ids = self._model.checked_ids()
        if not ids or not self._prompts.confirm(
                self._page, batch_delete_confirmation(self._page, len(ids))):
            return False
        return self._delete(ids, f"{len(ids)} runs deleted")

    def _delete(self, run_ids: list[int], message: str) -> bool:
        """Start deleting: True once asked and started. Run folders go with ``rmtree``,
        seconds for a big run, so the rows leave when the op reports back."""
        experiment = self._experiment()
        assert experiment is not None
        op = self._controller.delete_runs(self._page, experiment.id, run_ids,
                                          lambda done: self._on_deleted(done, message))
        op.failure(self._on_delete_failed).run_in_background()
        return True

    def _on_delete_failed(self, exc: Exception) -> None:
        self._prompts.error(self._page, "Cannot delete", describe_error(exc))

    def _on_deleted(self, deletion: RunDeletion, message: str) -> None:
        if deletion.gone:
            # Something else (the CLI, another window) deleted some meanwhile: their rows
            # just leave the table, which is what the person asked for.
            message = gone_message(self._names_of(deletion.gone), len(deletion.asked))
        self._forget(deletion.removed)
        if deletion.error is not None:
            self._prompts.error(self._page, "Cannot delete", deletion.error)
            return
        show_toast(self._page, message)

    def _names_of(self, run_ids: set[int]) -> list[str]:
        return [printable(run.name) for run in self._model.runs() if run.id in run_ids]
