"""RunManager: starts training workers with QProcess, streams and stores what they say,
and records each run's outcome through the core services (runner/outcome.py decides it).

One manager per process (the GUI's or a CLI command's). Runs wait in a FIFO queue
until one of ``max_concurrent_runs`` slots is free. Each worker has two channels:
stderr is the human terminal, stored raw as log chunks; stdout is the event channel
(one JSON object per line) that becomes metric points, progress and the outcome.
Writes are batched by a timer and by size so a chatty worker never stalls the loop.
"""

from __future__ import annotations

import os
import time
from collections import deque

from PySide6.QtCore import QObject, QProcess, Qt, QTimer, Signal

from musiclab_desktop.core.errors import (
    InvalidStateError,
    MusiclabError,
    NotFoundError,
    StorageError,
)
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import DiskFullEvent, Event, PhaseEvent, SampleEvent
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.services.runs import INTERRUPTED_PENDING
from musiclab_desktop.core.services.telemetry import MetricTuple
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.event_points import points_of, progress_of
from musiclab_desktop.runner.interpreter import WorkerCommand, worker_command_for
from musiclab_desktop.runner.job import Ending, Job, StopReason, release, worker_process
from musiclab_desktop.runner.outcome import record_outcome
from musiclab_desktop.runner.output_store import OutputStore
from musiclab_desktop.runner.owner_watch import OwnerWatch
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.runner.targets.seam import (
    REMOTE_CANCEL_GRACE_S,
    follower_command,
    marks_start,
    note_follower_pid,
    remote_runs_to_reattach,
)

# After a kill, how long shutdown waits for the process to be reaped.
_REAP_MS = 5_000
# How often output that could not be stored (a full disk) is tried again.
_RETRY_MS = 2_000


class RunManager(QObject):
    """Queues, starts, watches and finishes training runs (QtCore only)."""

    runStatusChanged = Signal(int, str)  # run, status
    logBytes = Signal(int, bytes)  # run, raw terminal bytes as they arrive
    metricPoints = Signal(int, list)  # run, [(step, name, value, wall_time)]
    progressChanged = Signal(int, int, int)  # run, step, total steps (0: unknown)
    phaseChanged = Signal(int, str, str)  # run, phase, message
    runFinished = Signal(int, str)  # run, terminal status
    sampleRecorded = Signal(int, int)  # run, id of its new row in library.samples
    storageProblem = Signal(str)  # the data folder cannot be written (e.g. a full disk)

    def __init__(
        self,
        library: Library,
        settings: RunnerSettings | None = None,
        worker_command: WorkerCommand | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self.settings = settings or RunnerSettings.from_environment()
        self._worker_command = worker_command
        self._queue: deque[int] = deque()
        self._jobs: dict[int, Job] = {}
        self._closing = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(self.settings.flush_interval_ms)
        self._flush_timer.timeout.connect(self._flush_all)
        # Runs whose process ended while their output or outcome could not be stored:
        # kept here, with everything they said, and written when the disk has room.
        self._unsaved: dict[int, Ending] = {}
        self._output = OutputStore(library, lambda: self.settings, self.storageProblem.emit,
                                   self.sampleRecorded.emit)
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(_RETRY_MS)
        self._retry_timer.timeout.connect(self._retry_unsaved)
        # Runs on a target whose follower died with its owner (a crashed window) keep
        # training there; a manager that adopts them follows them again from what the
        # database holds (runner/targets). The window does; short-lived commands not.
        self.adopt_remote_runs = False
        # Keeps this process's runs' heartbeat fresh and ends runs whose owner died,
        # for as long as this manager lives (see runner/owner_watch.py).
        self._owners = OwnerWatch(library, lambda: self.settings, self.active_run_ids,
                                  self._reattach_remote_runs, self)
        self._owners.ended.connect(self._announce_end)

    # --- public API ------------------------------------------------------------

    def start(self, run: RunRecord | int) -> None:
        """Queue a PENDING run; it starts as soon as a slot is free (maybe now)."""
        run_id = run if isinstance(run, int) else run.id
        record = self._library.runs.get(run_id)
        if record.status != RunStatus.PENDING:
            raise InvalidStateError(
                f"Run '{record.name}' is {record.status}; only a pending run can be started."
            )
        if run_id in self._queue or run_id in self._jobs:
            raise InvalidStateError(f"Run '{record.name}' is already queued.")
        if self._closing:
            raise InvalidStateError("The application is closing; no new run can start.")
        self._library.runs.claim(run_id, os.getpid())
        self._queue.append(run_id)
        self._fill_slots()

    def resume(self, run_id: int, *, force: bool = False) -> RunRecord:
        """Train a cancelled, failed or interrupted run on from its latest checkpoint.

        The same run goes back to PENDING (core/services/resume.py) and is queued;
        refused with a sentence without a checkpoint, and (ResumeChangedError) when
        its dataset or the application changed since, unless ``force``.
        """
        if self._closing:
            raise InvalidStateError("The application is closing; no run can resume now.")
        record = self._library.runs.prepare_resume(run_id, force=force)
        self.start(record)
        return record

    def cancel(self, run_id: int, grace_s: float | None = None) -> None:
        """Stop a run: a queued one at once, a running one politely, then by force.

        A running worker gets SIGTERM (it saves and stops after its step) and is killed
        when it is still alive after ``grace_s`` (default: the settings' grace period).
        A second call with ``grace_s=0`` kills at once. A run this manager does not own
        (another process trains it) gets SIGTERM from here; its owner records the end,
        or, when its owner died, this manager does once the worker has stopped.
        """
        if run_id in self._queue:
            self._queue.remove(run_id)
            self._announce_end(run_id, self._library.runs.cancel(run_id).status)
            return
        job = self._jobs.get(run_id)
        if job is None:
            self._owners.cancel(run_id)
            return
        grace = self.settings.cancel_grace_seconds if grace_s is None else grace_s
        self._stop_job(job, StopReason.USER, grace)

    def reconcile_on_startup(self) -> list[RunRecord]:
        """End the runs whose owner and worker are gone (see runner/reconcile.py).

        Done again every ``watch_interval_ms`` for as long as the manager lives.
        """
        return self._owners.reconcile()

    def _reattach_remote_runs(self) -> None:
        if self.adopt_remote_runs and not self._closing:
            for run in remote_runs_to_reattach(self._library, held=self.active_run_ids()):
                self._library.runs.claim(run.id, os.getpid())
                self._launch(run)

    def active_run_ids(self) -> list[int]:
        """Runs this manager owns: running first, then queued in order."""
        return [*self._jobs, *self._unsaved, *self._queue]

    def unsaved_run_ids(self) -> list[int]:
        """Runs whose worker ended but whose output waits for the disk to take it."""
        return list(self._unsaved)

    def queued_run_ids(self) -> list[int]:
        return list(self._queue)

    def has_active_runs(self) -> bool:
        return bool(self._jobs or self._queue or self._unsaved)

    def flush(self, run_id: int) -> None:
        """Store what the run's worker said so far, now.

        A viewer that reads the stored log and then follows ``logBytes`` calls this
        first: afterwards the database holds every byte already emitted, and every
        later byte arrives through the signal, so nothing is missed or shown twice.
        """
        job = self._jobs.get(run_id)
        if job is not None:
            self._output.store(job, force=False)

    def shutdown(self, cancel_running: bool, timeout_s: float | None = None) -> None:
        """Stop every run before the application exits, storing all their output.

        ``cancel_running=True`` (the user chose to stop training): runs end CANCELLED,
        "stopped by user". ``False`` (the app closes without asking, e.g. logout):
        they end FAILED with the same "interrupted" message a restart would give.
        Either way workers get SIGTERM, then SIGKILL after the grace period; this
        call blocks until they are gone (at most about the grace period).
        """
        self._closing = True
        runs = self._library.runs
        while self._queue:
            run_id = self._queue.popleft()
            try:
                record = (runs.cancel(run_id) if cancel_running
                          else runs.fail(run_id, INTERRUPTED_PENDING))
            except (InvalidStateError, NotFoundError):
                continue  # ended or deleted by another process meanwhile
            self._announce_end(run_id, record.status)
        reason = StopReason.USER if cancel_running else StopReason.APP_CLOSED
        grace = self.settings.cancel_grace_seconds if timeout_s is None else timeout_s
        jobs = list(self._jobs.values())
        for job in jobs:
            self._stop_job(job, reason, grace)
        deadline = time.monotonic() + grace
        for job in jobs:
            self._wait_for_end(job, deadline)
        self._retry_unsaved()  # a last try: output still unwritable now is lost on exit
        self._flush_timer.stop()
        self._retry_timer.stop()
        self._owners.stop()

    # --- starting --------------------------------------------------------------

    def _fill_slots(self) -> None:
        while self._queue and len(self._jobs) < self.settings.max_concurrent_runs:
            run_id = self._queue.popleft()
            try:
                record = self._library.runs.get(run_id)
            except NotFoundError:
                continue  # deleted while it waited
            if record.status == RunStatus.PENDING:  # else: cancelled by another process
                self._launch(record)

    def _command(self) -> WorkerCommand:
        return self._worker_command or worker_command_for(self.settings)

    def _launch(self, run: RunRecord) -> None:
        try:
            if run.target:  # trained elsewhere: the follower stands in for the worker
                command = follower_command(self._library, run)
            else:
                command = self._command()(self._library.runs.spec_path(run))
        except MusiclabError as exc:
            self._announce_end(run.id, self._library.runs.fail(run.id, str(exc)).status)
            return
        process = worker_process(command, run.output_dir or str(self._library.runs_dir), self)
        job = Job(run=run, process=process, python=command[0])
        process.started.connect(lambda: self._on_started(job))
        process.readyReadStandardError.connect(lambda: self._read_terminal(job))
        process.readyReadStandardOutput.connect(lambda: self._read_events(job))
        process.finished.connect(lambda code, status: self._on_finished(job, code, status))
        process.errorOccurred.connect(lambda error: self._on_error(job, error))
        self._jobs[run.id] = job
        if not self._flush_timer.isActive():
            self._flush_timer.start()
        process.start()

    def _on_started(self, job: Job) -> None:
        if job.stop is not None:  # cancelled while the process was starting
            job.process.terminate()
            return
        if job.run.target and job.run.status == RunStatus.PENDING:
            # Queued until the target says its worker started (staging, SLURM's queue).
            note_follower_pid(self._library, job.run_id, job.process.processId())
            return
        self._mark_running(job)

    def _mark_running(self, job: Job) -> None:
        try:
            job.run = self._library.runs.mark_running(job.run_id, job.process.processId())
        except InvalidStateError:
            # Finished elsewhere in the meantime (another process cancelled it).
            self._stop_job(job, StopReason.USER, self.settings.cancel_grace_seconds)
            return
        self.runStatusChanged.emit(job.run_id, RunStatus.RUNNING)

    # --- streams ---------------------------------------------------------------

    def _read_terminal(self, job: Job) -> None:
        data = bytes(job.process.readAllStandardError().data())  # already bytes: no copy
        if data:
            self._take_log(job, data)

    def _take_log(self, job: Job, data: bytes) -> None:
        job.buffer.add_log(data)
        job.tail.add(data)
        self.logBytes.emit(job.run_id, data)
        self._output.store_if_full(job)

    def _read_events(self, job: Job) -> None:
        data = bytes(job.process.readAllStandardOutput().data())
        if data:
            events, stray = job.splitter.feed(data)
            self._take_events(job, events, stray)

    def _take_events(self, job: Job, events: list[Event], stray: bytes) -> None:
        if stray:
            self._take_log(job, stray)
        points: list[MetricTuple] = []
        progress = None
        for event in events:
            points.extend(points_of(event))
            progress = progress_of(event) or progress
            self._note_event(job, event)
        if points:
            job.buffer.add_points(points)
            self.metricPoints.emit(job.run_id, points)
        if progress is not None and progress != job.progress:
            job.progress = progress
            self.progressChanged.emit(job.run_id, *progress)
        if job.samples:
            self._output.store(job, force=False)  # a listener hears a sample as soon as it exists
        self._output.store_if_full(job)

    def _note_event(self, job: Job, event: Event) -> None:
        if job.run.target and job.run.status == RunStatus.PENDING and marks_start(event):
            self._mark_running(job)
        job.keep_final(event)
        if isinstance(event, PhaseEvent):
            self.phaseChanged.emit(job.run_id, event.phase, event.message)
        elif isinstance(event, DiskFullEvent):
            # The worker keeps the weights and retries; say so wherever the user looks.
            self.storageProblem.emit(event.message or "The disk is full.")
        elif isinstance(event, SampleEvent):
            job.samples.append(event)

    def _flush_all(self) -> None:
        for job in list(self._jobs.values()):
            self._output.store(job, force=False)

    # --- stopping and finishing ------------------------------------------------

    def _stop_job(self, job: Job, reason: StopReason, grace_s: float) -> None:
        if job.finished:
            return
        if job.run.target and grace_s > 0:
            grace_s = max(grace_s, REMOTE_CANCEL_GRACE_S)  # checkpoint, then fetch
        if job.stop is None or reason is StopReason.USER:
            job.stop = reason
        state = job.process.state()
        if state == QProcess.ProcessState.NotRunning:
            return
        if grace_s <= 0:
            job.process.kill()
            return
        if state == QProcess.ProcessState.Running:
            job.process.terminate()  # while Starting, _on_started sends it
        if job.kill_timer is None:
            job.kill_timer = QTimer(self)
            job.kill_timer.setSingleShot(True)
            job.kill_timer.setTimerType(Qt.TimerType.PreciseTimer)  # the grace is a promise
            job.kill_timer.timeout.connect(job.process.kill)
            job.kill_timer.start(int(grace_s * 1000))

    def _wait_for_end(self, job: Job, deadline: float) -> None:
        """Block until ``job``'s process ends (shutdown only: no event loop will run)."""
        process = job.process
        remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
        if not job.finished and not process.waitForFinished(remaining_ms):
            process.kill()
            process.waitForFinished(_REAP_MS)
        if not job.finished:  # finished was not delivered (the process never ran)
            self._finish(job, process.exitCode(), crashed=True)

    def _on_error(self, job: Job, error: QProcess.ProcessError) -> None:
        # Only a failed start goes without a finished signal; other errors precede one.
        if error == QProcess.ProcessError.FailedToStart and not job.finished:
            problem = job.process.errorString()
            self._finish(job, -1, crashed=False,
                         start_error=f"Cannot start the training interpreter {job.python}: "
                                     f"{problem}.")

    def _on_finished(self, job: Job, exit_code: int, status: QProcess.ExitStatus) -> None:
        self._finish(job, exit_code, crashed=status == QProcess.ExitStatus.CrashExit)

    def _finish(self, job: Job, exit_code: int, *, crashed: bool,
                start_error: str | None = None) -> None:
        if job.finished:
            return
        job.finished = True
        if job.kill_timer is not None:
            job.kill_timer.stop()
        self._drain(job)
        del self._jobs[job.run_id]
        release(job)
        if not self._jobs:
            self._flush_timer.stop()
        self._end(Ending(job, exit_code, crashed, start_error))
        if not self._closing:
            self._fill_slots()

    def _end(self, ending: Ending) -> bool:
        """Store the run's last output and its outcome; park it when the disk refuses."""
        job = ending.job
        status = None
        if self._output.store(job, force=True):
            try:
                status = record_outcome(self._library, ending)
            except StorageError as exc:
                self._output.report(str(exc))
        if status is None:
            self._unsaved[job.run_id] = ending
            self._retry_timer.start()
            return False
        self._unsaved.pop(job.run_id, None)
        if not self._unsaved:
            self._retry_timer.stop()
        self._announce_end(job.run_id, status)
        return True

    def _retry_unsaved(self) -> None:
        for ending in list(self._unsaved.values()):
            if not self._end(ending):
                return  # still no room: try again on the next tick

    def _drain(self, job: Job) -> None:
        """Whatever the process wrote last, including an unterminated final line."""
        self._read_terminal(job)
        self._read_events(job)
        events, stray = job.splitter.finish()
        self._take_events(job, events, stray)

    def _announce_end(self, run_id: int, status: str) -> None:
        self.runStatusChanged.emit(run_id, status)
        self.runFinished.emit(run_id, status)
