"""Reading a run's stored log and metrics off the event loop, as one consistent snapshot.

A live run keeps writing while its history is read. The page asks the runner to
flush, then the loader notes the snapshot's end (the stored log chunk count) on the
GUI thread and reads exactly that in a pool thread; the page buffers the live bytes
and points that arrive meanwhile. Together they are every byte once, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.telemetry import MetricArrays


@dataclass(frozen=True)
class RunHistory:
    run_id: int
    log: bytes
    metrics: dict[str, MetricArrays]


class _Signals(QObject):
    loaded = Signal(int, object)  # generation, RunHistory
    failed = Signal(int, int, str)  # generation, run_id, message


class _ReadHistory(QRunnable):
    def __init__(self, library: Library, run_id: int, end_chunk: int, generation: int,
                 signals: _Signals) -> None:
        super().__init__()
        self._library, self._run_id, self._end = library, run_id, end_chunk
        self._generation, self._signals = generation, signals

    def run(self) -> None:
        telemetry = self._library.telemetry
        try:
            log = b"".join(telemetry.iter_log(self._run_id, end_chunk=self._end))
            metrics = telemetry.all_series_arrays(self._run_id)
        except Exception as exc:  # a vanished run or a locked database: say so, never crash
            self._signals.failed.emit(self._generation, self._run_id, str(exc))
            return
        self._signals.loaded.emit(self._generation, RunHistory(self._run_id, log, metrics))


class HistoryLoader(QObject):
    """Loads one run's history at a time; a newer request makes older results stale."""

    loaded = Signal(object)  # RunHistory
    failed = Signal(int, str)  # run_id, message

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._generation = 0
        self._signals = _Signals(self)
        self._signals.loaded.connect(self._on_loaded)
        self._signals.failed.connect(self._on_failed)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def load(self, run_id: int) -> None:
        self._generation += 1
        end_chunk = self._library.telemetry.log_chunk_count(run_id)
        self._pool.start(_ReadHistory(self._library, run_id, end_chunk, self._generation,
                                      self._signals))

    def cancel(self) -> None:
        """Forget any load in flight: its result will be ignored."""
        self._generation += 1

    def wait(self) -> None:
        self._pool.waitForDone()

    def _on_loaded(self, generation: int, history: RunHistory) -> None:
        if generation == self._generation:
            self.loaded.emit(history)

    def _on_failed(self, generation: int, run_id: int, message: str) -> None:
        if generation == self._generation:
            self.failed.emit(run_id, message)
