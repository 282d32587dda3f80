"""Writing what a worker said into the library: its terminal and metric points (in
batches), its progress (at most every ``progress_interval_ms``) and its sample rows.

A write the data folder refuses (a full disk) keeps everything in the job for the next
try, and the problem is reported once until a write succeeds again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from musiclab_desktop.core.errors import StorageError
from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.job import Job
from musiclab_desktop.runner.sample_rows import record_samples
from musiclab_desktop.runner.settings import RunnerSettings


class OutputStore:
    """``on_problem(message)``: the data folder cannot be written; ``on_sample(run_id,
    sample_id)``: a sample's row was recorded."""

    def __init__(self, library: Library, settings: Callable[[], RunnerSettings],
                 on_problem: Callable[[str], None],
                 on_sample: Callable[[int, int], None]) -> None:
        self._library = library
        self._settings = settings  # read at each write: the manager's settings may change
        self._on_problem = on_problem
        self._on_sample = on_sample
        self._problem: str | None = None

    def store(self, job: Job, *, force: bool) -> bool:
        """Write what the job said; on a storage failure keep it all and say so once."""
        try:
            job.buffer.flush(self._library.telemetry)
            self._store_progress(job, force=force)
            self._store_samples(job)
        except StorageError as exc:
            if str(exc) != self._problem:
                self._problem = str(exc)
                self._on_problem(str(exc))
            return False
        self._problem = None
        return True

    def store_if_full(self, job: Job) -> None:
        settings = self._settings()
        if job.buffer.is_full(settings.flush_log_bytes, settings.flush_metric_points):
            self.store(job, force=False)

    def report(self, problem: str) -> None:
        """A write elsewhere (a run's outcome) failed: say so now."""
        self._problem = problem
        self._on_problem(problem)

    def _store_samples(self, job: Job) -> None:
        if not job.samples:
            return
        ids = record_samples(self._library, job.run_id, job.samples)
        job.samples.clear()
        for sample_id in ids:
            self._on_sample(job.run_id, sample_id)

    def _store_progress(self, job: Job, *, force: bool) -> None:
        if job.progress is None or job.progress == job.stored_progress:
            return
        now = time.monotonic()
        interval_s = self._settings().progress_interval_ms / 1000
        if not force and now - job.progress_stored_at < interval_s:
            return
        step, total = job.progress
        self._library.runs.record_progress(job.run_id, step, total or None)
        job.stored_progress, job.progress_stored_at = job.progress, now
