"""Never start over, from the runs table: Resume, Continue training, Promote checkpoint.

The row menu offers what fits the run: Resume for a cancelled, failed or interrupted
run with a checkpoint (the same run trains on), Continue training for a completed one
(a new run from its adapter), and Promote for each kept checkpoint (an adapter of its
own). The rules and their refusals live in core (core/services/resume.py, adapters.py);
this module asks the questions and shows the sentences.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu, QWidget

from musiclab_desktop.core.checkpoints import CheckpointInfo, list_checkpoints
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.records import AdapterRecord, RunRecord
from musiclab_desktop.core.services.resume import ResumeChangedError, resume_refusal
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.auto_resume import crash_interrupted, question, resume_all
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.prompts import Prompts, auto_resume_question, resume_changed_question
from musiclab_desktop.ui.runs.continue_dialog import ContinueDialog
from musiclab_desktop.ui.toast import show_toast

RESUME = "Resume"
CONTINUE = "Continue training…"
PROMOTE = "Promote checkpoint"


class RunRecovery(QObject):
    """The actions; ``page`` is where questions and toasts appear."""

    def __init__(self, controller: ExperimentsController, prompts: Prompts,
                 page: QWidget) -> None:
        super().__init__(page)
        self._controller, self._prompts, self._page = controller, prompts, page

    def add_actions(self, menu: QMenu, run: RunRecord) -> None:
        """The row menu's entries for ``run`` (reads its checkpoint folder names)."""
        if run.status in (RunStatus.CANCELLED, RunStatus.FAILED):
            action = menu.addAction(RESUME, lambda: self.request_resume(run.id))
            refusal = resume_refusal(run)
            action.setEnabled(refusal is None)
            action.setToolTip(refusal or "Train on from the last checkpoint (the same run).")
        if run.status == RunStatus.COMPLETED and run.adapter_id is not None:
            menu.addAction(CONTINUE, lambda: self.request_continue(run.id))
        kept = list_checkpoints(run.output_dir) if run.is_terminal else []
        if kept:
            promote = menu.addMenu(PROMOTE)
            for info in reversed(kept):
                promote.addAction(checkpoint_label(info), self._promoter(run.id, info.step))
        menu.setToolTipsVisible(True)

    def _promoter(self, run_id: int, step: int) -> Callable[[], object]:
        return lambda: self.request_promote(run_id, step)

    def request_resume(self, run_id: int) -> RunRecord | None:
        manager = self._controller.manager
        record: RunRecord | None
        try:
            record = manager.resume(run_id)
        except ResumeChangedError as changed:
            name = printable(self._controller.run(run_id).name)
            if not self._prompts.confirm(self._page, resume_changed_question(
                    self._page, name, changed.changes)):
                return None
            record = self._prompts.attempt(self._page, "Cannot resume the run",
                                           lambda: manager.resume(run_id, force=True))
        except MusiclabError as exc:
            self._prompts.error(self._page, "Cannot resume the run", str(exc))
            return None
        if record is not None:
            self._changed(record)
            show_toast(self._page, f"Run “{printable(record.name)}” resumes from step "
                                   f"{(record.resume_steps or [0])[-1]}")
        return record

    def request_continue(self, run_id: int) -> RunRecord | None:
        library = self._controller.library
        parent = self._controller.run(run_id)
        settings = library.runs.effective_config(run_id).to_dict()
        dialog = ContinueDialog(parent, settings,
                                self._controller.next_run_name(parent.experiment_id),
                                self._page)
        if not self._prompts.run_dialog(dialog):
            return None

        def start() -> RunRecord:
            record = library.runs.prepare_continue(run_id, dialog.override(),
                                                   name=dialog.run_name())
            self._controller.manager.start(record)
            return record

        record = self._prompts.attempt(self._page, "Cannot continue the run", start)
        if record is not None:
            self._changed(record)
        return record

    def request_promote(self, run_id: int, step: int) -> AdapterRecord | None:
        adapter = self._prompts.attempt(
            self._page, "Cannot promote the checkpoint",
            lambda: self._controller.library.adapters.promote(run_id, step))
        if adapter is not None:
            experiments = [adapter.experiment_id] if adapter.experiment_id else []
            self._controller.notice.notify(Change.of(experiments=experiments, adapters=True))
            show_toast(self._page, f"Adapter “{printable(adapter.name)}” registered")
        return adapter

    def _changed(self, record: RunRecord) -> None:
        self._controller.notice.notify(
            Change.of(experiments=[record.experiment_id], runs=[record.id]))


def checkpoint_label(info: CheckpointInfo) -> str:
    loss = f"  (loss {info.score:.4f})" if info.score is not None else ""
    return f"Step {info.step}{loss}"


def offer_auto_resume(parent: QWidget, prompts: Prompts, manager: RunManager,
                      reconciled: list[RunRecord]) -> list[RunRecord]:
    """The auto-resume setting at app open: ask once about the runs that this start's
    reconcile found interrupted by a crash and that kept a checkpoint; resume them on
    yes. Returns the runs resumed (refusals, e.g. a changed dataset, are shown)."""
    runs = crash_interrupted(reconciled)
    if not runs or not prompts.confirm(parent, auto_resume_question(parent, question(runs))):
        return []
    problems = resume_all(runs, manager.resume)
    if problems:
        prompts.error(parent, "Some runs did not resume", "\n".join(problems))
    active = set(manager.active_run_ids())
    return [run for run in runs if run.id in active]
