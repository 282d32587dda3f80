"""One worker process of the RunManager: the QProcess, and what the worker has said."""

from __future__ import annotations

import enum
import sys
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer

from musiclab_desktop.core.protocol import (
    CancelledEvent,
    CompletedEvent,
    ErrorEvent,
    Event,
    SampleEvent,
)
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.runner.failure import TerminalTail
from musiclab_desktop.runner.interpreter import worker_environment
from musiclab_desktop.runner.log_buffer import TelemetryBuffer
from musiclab_desktop.runner.stream_splitter import EventStreamSplitter


class StopReason(enum.Enum):
    USER = "user"            # cancel(): ends CANCELLED "stopped by user"
    APP_CLOSED = "closed"    # shutdown(cancel_running=False): ends FAILED "interrupted"


@dataclass(eq=False)
class Job:
    """One worker process and what it has said so far."""

    run: RunRecord
    process: QProcess
    python: str
    splitter: EventStreamSplitter = field(default_factory=EventStreamSplitter)
    tail: TerminalTail = field(default_factory=TerminalTail)
    buffer: TelemetryBuffer = field(init=False)
    stop: StopReason | None = None
    kill_timer: QTimer | None = None
    # The worker's last word: what the outcome is decided from (runner/outcome.py).
    completed: CompletedEvent | None = None
    error: ErrorEvent | None = None
    cancelled: CancelledEvent | None = None
    progress: tuple[int, int] | None = None
    samples: list[SampleEvent] = field(default_factory=list)  # said, not yet stored
    stored_progress: tuple[int, int] | None = None
    progress_stored_at: float = 0.0
    finished: bool = False

    def __post_init__(self) -> None:
        self.buffer = TelemetryBuffer(self.run.id)

    @property
    def run_id(self) -> int:
        return self.run.id

    def keep_final(self, event: Event) -> None:
        """Remember ``event`` when it is one of the worker's last words."""
        if isinstance(event, CompletedEvent):
            self.completed = event
        elif isinstance(event, ErrorEvent):
            self.error = event
        elif isinstance(event, CancelledEvent):
            self.cancelled = event


@dataclass(frozen=True)
class Ending:
    """How a job's process ended, kept until its output and outcome are stored."""

    job: Job
    exit_code: int
    crashed: bool
    start_error: str | None


def worker_process(command: list[str], working_dir: str, parent: QObject) -> QProcess:
    """A QProcess ready to start ``command``: two separate channels, the worker's
    environment, and a session of its own."""
    process = QProcess(parent)
    process.setProgram(command[0])
    process.setArguments(command[1:])
    process.setWorkingDirectory(working_dir)
    process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
    process.setProcessEnvironment(_environment())
    _own_session(process)
    return process


def release(job: Job) -> None:
    """Drop the job's Qt objects. The lambdas connected to the process hold the manager:
    disconnect them now, or freeing them inside the process's deferred destructor could
    free the last reference to the manager, whose destructor would delete the process
    a second time."""
    process = job.process
    for signal in (process.started, process.readyReadStandardError,
                   process.readyReadStandardOutput, process.finished, process.errorOccurred):
        signal.disconnect()
    process.deleteLater()
    if job.kill_timer is not None:
        job.kill_timer.deleteLater()
        job.kill_timer = None


def _environment() -> QProcessEnvironment:
    environment = QProcessEnvironment()
    for key, value in worker_environment().items():
        environment.insert(key, value)
    return environment


def _own_session(process: QProcess) -> None:
    """Keep the worker out of the caller's terminal session: Ctrl+C in a shell reaches
    the runner only, which then stops the worker politely (once)."""
    if sys.platform == "win32":
        return
    parameters = QProcess.UnixProcessParameters()
    parameters.flags = QProcess.UnixProcessFlag.CreateNewSession
    process.setUnixProcessParameters(parameters)

