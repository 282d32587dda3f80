"""Archive and unarchive as a person does them: ask first, act through core, report after."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.prompts import Prompts, archive_confirmation
from musiclab_desktop.ui.toast import show_toast


class ExperimentActions(QObject):
    def __init__(self, controller: ExperimentsController, prompts: Prompts,
                 window: QWidget) -> None:
        super().__init__(window)
        self._controller = controller
        self._prompts = prompts
        self._window = window

    def archive(self, record: ExperimentRecord) -> ExperimentRecord | None:
        """Confirm, archive, toast. None when the person said no or core refused."""
        name = printable(record.name)
        if not self._prompts.confirm(self._window, archive_confirmation(self._window, name)):
            return None
        archived = self._prompts.attempt(self._window, "Cannot archive the experiment",
                                         lambda: self._controller.archive(record.id))
        if archived is not None:
            show_toast(self._window, f"Archived “{name}”", "archive")
        return archived

    def unarchive(self, record: ExperimentRecord) -> ExperimentRecord | None:
        restored = self._prompts.attempt(self._window, "Cannot unarchive the experiment",
                                         lambda: self._controller.unarchive(record.id))
        if restored is not None:
            show_toast(self._window, f"Restored “{printable(record.name)}” as a draft",
                       "unarchive")
        return restored
