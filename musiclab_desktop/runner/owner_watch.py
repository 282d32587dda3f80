"""The runs a manager does not train itself: runs of other processes, living or dead.

Every ``watch_interval_ms`` the watch says this process is alive for its runs (their
heartbeat) and ends the runs whose owner died (runner/reconcile.py). A cancel of a run
another process trains sends its worker SIGTERM; when that owner is dead too, the watch
records the end (CANCELLED) once the worker has stopped.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from musiclab_desktop.core.errors import InvalidStateError, MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.runner.process_probe import terminate_pid
from musiclab_desktop.runner.reconcile import end_orphan, owner_gone, reconcile, worker_alive
from musiclab_desktop.runner.settings import RunnerSettings

# How often the watch looks while a cancelled run of a dead owner is stopping.
_CANCEL_WATCH_MS = 500


class OwnerWatch(QObject):
    """``ended`` (run, status): the watch or a cancel recorded the end of a run.

    ``held()``: the runs the manager owns; ``after_reconcile()``: called after each
    reconcile (the manager follows runs on targets again there)."""

    ended = Signal(int, str)

    def __init__(self, library: Library, settings: Callable[[], RunnerSettings],
                 held: Callable[[], list[int]], after_reconcile: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._settings = settings
        self._held = held
        self._after_reconcile = after_reconcile
        # Runs of dead owners that the user cancelled here: once their worker has
        # stopped, they end CANCELLED (not "interrupted").
        self._cancels: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(settings().watch_interval_ms)
        self._timer.timeout.connect(self._watch)
        self._timer.start()

    def reconcile(self) -> list[RunRecord]:
        """End the runs whose owner and worker are gone; returns them."""
        ended = reconcile(self._library, held=self._held(), cancelled=self._cancels)
        self._after_reconcile()
        return ended

    def stop(self) -> None:
        self._timer.stop()

    def _watch(self) -> None:
        """Say this process is alive for its runs; end the runs whose owner died."""
        try:
            self._library.runs.heartbeat(self._held(), os.getpid())
            ended = self.reconcile()
        except MusiclabError:
            return  # a full or busy data folder: try again on the next tick
        for record in ended:
            self._cancels.discard(record.id)
            self.ended.emit(record.id, record.status)
        if not self._cancels:
            self._timer.setInterval(self._settings().watch_interval_ms)

    def cancel(self, run_id: int) -> None:
        """Cancel a run this process does not train (another process does, or did)."""
        library = self._library
        run = library.runs.get(run_id)
        if not run.is_active:
            raise InvalidStateError(f"Run '{run.name}' has already finished ({run.status}).")
        if worker_alive(library, run) and terminate_pid(run.pid or 0):
            if owner_gone(run):
                # Its worker outlived its owner: nobody else will record the end, so
                # the watch records it (soon) once the worker has stopped.
                self._cancels.add(run_id)
                self._timer.setInterval(
                    min(self._settings().watch_interval_ms, _CANCEL_WATCH_MS))
            return  # otherwise its owner sees the worker stop and records CANCELLED
        if owner_gone(run):
            record = end_orphan(library, run, user_cancelled=True)
            if record is not None:
                self.ended.emit(run_id, record.status)
            return
        # Queued in a live process: cancelled here; that process will not start it.
        self.ended.emit(run_id, library.runs.cancel(run_id).status)
