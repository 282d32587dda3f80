"""What a run's row offers besides its Cancel / Delete buttons: a double click (the
notes cell edits notes and tags, the adapter cell generates with the adapter) and the
right-click menu (those, and the recovery actions of runner/run_recovery)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPoint, Signal
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.notes_dialog import edit_notes
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.runs.run_recovery import RunRecovery
from musiclab_desktop.ui.runs.runs_model import RUN_ID_ROLE, Column


class RunRowActions(QObject):
    """``generateRequested`` carries the adapter id to generate with."""

    generateRequested = Signal(int)

    def __init__(self, page: QWidget, controller: ExperimentsController, prompts: Prompts,
                 table: QTableView, recovery: RunRecovery,
                 record: Callable[[int], RunRecord | None]) -> None:
        super().__init__(page)
        self._page, self._controller, self._prompts = page, controller, prompts
        self._table, self._recovery, self._record = table, recovery, record
        table.doubleClicked.connect(self._on_double_click)
        table.customContextMenuRequested.connect(self._show_menu)

    def edit_notes(self, run_id: int) -> RunRecord | None:
        """Ask for the run's notes and tags and store them (the table follows the notice)."""
        run = self._record(run_id)
        if run is None:
            return None
        library = self._controller.library
        updated = edit_notes(
            self._page, self._prompts, f"Notes and tags of “{printable(run.name)}”",
            run.notes, list(run.tags),
            lambda notes, tags: library.runs.annotate(run_id, notes=notes, tags=tags))
        if updated is not None:
            self._controller.notice.notify(Change.of(runs=[run_id]))
        return updated

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.column() == Column.NOTES:
            self.edit_notes(index.data(RUN_ID_ROLE))
        elif index.column() == Column.ADAPTER:
            run = self._record(index.data(RUN_ID_ROLE))
            if run is not None and run.adapter_id is not None:
                self.generateRequested.emit(run.adapter_id)

    def _show_menu(self, position: QPoint) -> None:
        index = self._table.indexAt(position)
        if not index.isValid():
            return
        run_id = index.data(RUN_ID_ROLE)
        menu = QMenu(self._table)
        menu.addAction("Edit tags and notes…", lambda: self.edit_notes(run_id))
        run = self._record(run_id)
        if run is not None and run.adapter_id is not None:
            adapter_id = run.adapter_id
            menu.addAction("Generate with its adapter…",
                           lambda: self.generateRequested.emit(adapter_id))
        if run is not None:
            self._recovery.add_actions(menu, run)
        menu.exec(self._table.viewport().mapToGlobal(position))
        menu.deleteLater()
