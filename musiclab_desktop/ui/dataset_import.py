"""Importing a dataset folder off the GUI thread, with progress shown in a dialog.

Scanning reads every clip's header; on a large folder or a network drive that takes
seconds, so it runs in a QThread. The core's progress callback is called on that
thread and relayed to the GUI by a queued signal.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.datasets import ImportReport
from musiclab_desktop.ui.formatting import plural
from musiclab_desktop.ui.prompts import Prompts

_log = logging.getLogger(__name__)


class _ImportJob(QObject):
    """Lives on the worker thread; calls core and reports back by signals."""

    progressed = Signal(int, int)
    succeeded = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, library: Library, folder: str, name: str | None) -> None:
        super().__init__()
        self._library = library
        self._folder = folder
        self._name = name

    @Slot()
    def run(self) -> None:
        try:
            report = self._library.datasets.import_folder(
                self._folder, name=self._name, progress=self.progressed.emit
            )
        except MusiclabError as exc:
            self.failed.emit(str(exc))
        except OSError as exc:
            self.failed.emit(f"Cannot read {self._folder}: {exc.strerror or exc}.")
        except Exception as exc:  # the job must always end with a signal
            # Without one the modal progress dialog would stay open and every later import
            # would be refused as "already running"; say what happened instead.
            _log.exception("Importing %s failed", self._folder)
            self.failed.emit(f"Importing {self._folder} failed: {type(exc).__name__}: {exc}.")
        else:
            self.succeeded.emit(report)


class DatasetImporter(QObject):
    """Starts one import at a time and reports progress, success or a failure sentence."""

    progressed = Signal(int, int)  # clips scanned, clips found
    finished = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._thread: QThread | None = None
        self._job: _ImportJob | None = None

    def is_running(self) -> bool:
        return self._thread is not None

    def start(self, folder: str | Path, name: str | None = None) -> None:
        if self._thread is not None:
            raise RuntimeError("An import is already running.")
        thread = QThread(self)
        thread.setObjectName("datasetImportThread")
        job = _ImportJob(self._library, str(folder), name)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progressed.connect(self.progressed)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        self._thread, self._job = thread, job
        thread.start()

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the worker thread ended (for shutdown and tests)."""
        return self._thread.wait(timeout_ms) if self._thread is not None else True

    def _on_succeeded(self, report: ImportReport) -> None:
        self._stop()
        self.finished.emit(report)

    def _on_failed(self, message: str) -> None:
        self._stop()
        self.failed.emit(message)

    def _stop(self) -> None:
        thread, job = self._thread, self._job
        self._thread = self._job = None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if job is not None:
            job.deleteLater()


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
