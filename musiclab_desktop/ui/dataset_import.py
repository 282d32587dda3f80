"""Importing a dataset folder off the GUI thread, with progress shown in a dialog.

Scanning reads every clip's header; on a large folder or a network drive that takes
seconds, so it runs as a change op (``ui/ops.py``). Core's progress callback is called
on the pool thread and relayed to the GUI by a queued signal.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.datasets import ImportReport
from musiclab_desktop.ui.change_notice import Change, notice_for
from musiclab_desktop.ui.formatting import plural
from musiclab_desktop.ui.ops import ChangeOp, ProgressRelay
from musiclab_desktop.ui.prompts import Prompts


class DatasetImporter(QObject):
    """Starts one import at a time and reports progress, success or a failure sentence.

    A dialog closed while its import scans is not called back (ops drop results for a
    deleted parent); the import itself finishes and the change notice says so."""

    progressed = Signal(int, int)  # clips scanned, clips found
    finished = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._relay = ProgressRelay(self)
        self._relay.progressed.connect(self.progressed)
        self._running = False

    def is_running(self) -> bool:
        return self._running

    def start(self, folder: str | Path, name: str | None = None) -> None:
        if self._running:
            raise RuntimeError("An import is already running.")
        self._running = True
        folder = str(folder)
        ChangeOp(self, notice_for(self._library),
                 op=lambda: self._library.datasets.import_folder(
                     folder, name=name, progress=self._relay.report),
                 success=self._on_succeeded,
                 change=Change.of(datasets=True),
                 ).failure(lambda exc: self._on_failed(folder, exc)).run_in_background()

    def _on_succeeded(self, report: ImportReport) -> None:
        self._running = False
        self.finished.emit(report)

    def _on_failed(self, folder: str, exc: Exception) -> None:
        # Every failure ends the import with a sentence: without one the modal progress
        # dialog would stay open and every later import be refused as "already running".
        self._running = False
        if isinstance(exc, MusiclabError):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = f"Cannot read {folder}: {exc.strerror or exc}."
        else:
            message = f"Importing {folder} failed: {type(exc).__name__}: {exc}."
        self.failed.emit(message)


def ask_and_import(parent: QWidget, library: Library, prompts: Prompts,
                   importer: DatasetImporter) -> bool:
    """Ask for a folder and a name, then start the import with a progress dialog.

    Returns False when the person cancelled; the result arrives on ``importer``.
    """
    folder = prompts.choose_folder(parent, "Choose a folder of captioned audio clips")
    if not folder:
        return False
    name = prompts.ask_text(parent, "Import dataset", "Dataset name:", Path(folder).name)
    if name is None:
        return False
    progress = ImportProgress(parent, Path(folder).name)
    importer.progressed.connect(progress.on_progress)
    importer.finished.connect(progress.close_when_done)
    importer.failed.connect(progress.close_when_done)
    importer.start(folder, name.strip() or None)
    progress.show()
    return True


class ImportProgress(QProgressDialog):
    """'Scanning clips… 12 of 40', window-modal so the form beneath cannot change meanwhile."""

    def __init__(self, parent: QWidget, folder_name: str) -> None:
        super().__init__(f"Scanning “{folder_name}”…", "", 0, 0, parent)
        self.setObjectName("datasetImportProgress")
        self.setWindowTitle("Importing dataset")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        # Core's scan cannot be interrupted half-way; a Cancel button would lie.
        self.setCancelButton(None)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(380)

    def on_progress(self, done: int, total: int) -> None:
        self.setMaximum(max(total, 1))
        self.setValue(done)
        self.setLabelText(f"Scanning clips… {done:,} of {total:,}")

    def close_when_done(self, *_args: object) -> None:
        self.close()
        self.deleteLater()


def imported_message(report: ImportReport) -> str:
    """The toast after an import: what arrived, and how many clips cannot be used."""
    dataset = report.dataset
    text = f"Imported “{dataset.name}”: {plural(dataset.usable_count, 'usable clip')}"
    if report.problems:
        text += f", {plural(len(report.problems), 'clip')} with problems"
    return text
