"""The GUI's line to the generation worker: starts it with QProcess, keeps it warm,
sends requests, turns its events into signals and stores the takes it writes.

One worker per client, started on the first request and again on the first request
after it stopped (idle timeout, a crash). A worker that dies without saying goodbye
fails the requests it held with a sentence (``workerStopped`` says why); nothing waits
on it, so the window never hangs.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QSettings, Signal

from musiclab_desktop.core import protocol
from musiclab_desktop.core.errors import InvalidStateError, MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.failure import TerminalTail, signal_name
from musiclab_desktop.runner.interpreter import training_interpreter, worker_environment
from musiclab_desktop.runner.job import worker_process
from musiclab_desktop.runner.settings import RunnerSettings, user_store
from musiclab_desktop.runner.stream_splitter import EventStreamSplitter

DEFAULT_IDLE_TIMEOUT_S = 600.0
# The idle timeout: this environment variable, else the user's setting, else the default.
IDLE_TIMEOUT_ENV_VAR = "MUSICLAB_GENERATION_IDLE_S"
IDLE_TIMEOUT_KEY = "generation/idle_timeout_seconds"
# After quit is asked, how long the worker may take before it is killed.
_QUIT_MS = 3_000


def generation_idle_timeout(store: QSettings | None = None) -> float:
    """How long the warm worker waits for the next request before it frees the memory."""
    value = os.environ.get(IDLE_TIMEOUT_ENV_VAR)
    if value is None:
        stored = (store if store is not None else user_store()).value(IDLE_TIMEOUT_KEY,
                                                                      DEFAULT_IDLE_TIMEOUT_S)
        value = str(stored)
    try:
        return max(0.0, float(value))
    except ValueError:
        return DEFAULT_IDLE_TIMEOUT_S


def idle_timeout_overridden() -> bool:
    """True when the environment variable sets the idle timeout (the setting is unused)."""
    return os.environ.get(IDLE_TIMEOUT_ENV_VAR) is not None


def save_generation_idle_timeout(seconds: float, store: QSettings | None = None) -> None:
    """Store the idle timeout (seconds, 0: never); the next worker started uses it."""
    target = store if store is not None else user_store()
    target.setValue(IDLE_TIMEOUT_KEY, max(0.0, float(seconds)))
    target.sync()


def generation_command(python: str, idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S,
                       device: str = "auto") -> list[str]:
    """``PYTHON -m musiclab_desktop.generation --idle-timeout S --device D``."""
    return [python, "-m", protocol.GENERATION_MODULE, "--idle-timeout", f"{idle_timeout_s:g}",
            "--device", device]


def merge_adapter(python: str, adapter_dir: Path, destination: Path,
                  timeout_s: float = 3_600) -> Path:
    """Write a full checkpoint with the LoRA merged in, in the training interpreter (peft
    and torch live there). Blocks for the merge: call it off the GUI thread."""
    try:
        done = subprocess.run([python, "-m", protocol.MERGE_MODULE, str(adapter_dir),
                               str(destination)], capture_output=True, text=True,
                              timeout=timeout_s, env=worker_environment())
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InvalidStateError(f"Cannot merge with {python}: {exc}") from exc
    if done.returncode != 0:
        raise InvalidStateError((done.stderr.strip().splitlines() or ["(no output)"])[-1])
    return destination


def crash_sentence(exit_code: int, crashed: bool, tail: str) -> str:
    """Why the worker is gone, in one sentence plus its last line."""
    how = (f"was stopped by {signal_name(exit_code)}" if crashed and exit_code
           else "crashed" if crashed else f"exited with code {exit_code}")
    last = next((line.strip() for line in reversed(tail.splitlines()) if line.strip()), "")
    said = f" Its last words: {last}" if last else ""
    return f"The generation worker {how} before it finished.{said}"


@dataclass
class _Pending:
    request: protocol.GenerationRequest
    adapter_id: int | None
    takes: list[protocol.TakeReadyEvent] = field(default_factory=list)


class GenerationClient(QObject):
    """Requests in, takes out (QtCore only)."""

    workerStarted = Signal(int)  # pid
    baseLoaded = Signal(object)  # BaseLoadedEvent
    adapterLoaded = Signal(object)  # AdapterLoadedEvent
    progress = Signal(str, int, int, int, int)  # request, tokens, total, take index, takes
    takeReady = Signal(str, object)  # request, GenerationRecord (or TakeReadyEvent unsaved)
    requestFinished = Signal(str, str, str)  # request, "done"|"cancelled"|"failed", message
    workerStopped = Signal(str, bool)  # sentence, crashed
    terminalBytes = Signal(bytes)

    def __init__(self, library: Library | None, settings: RunnerSettings | None = None, *,
                 idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S, device: str = "auto",
                 command: list[str] | None = None, parent: QObject | None = None,
                 idle_timeout_source: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.settings = settings or RunnerSettings.from_environment()
        self.idle_timeout_s = idle_timeout_s
        # Asked at each worker start, so a setting changed meanwhile applies to the next one.
        self._idle_timeout_source = idle_timeout_source
        self.device = device
        self._command = command
        self._process: QProcess | None = None
        self._splitter = EventStreamSplitter()
        self._tail = TerminalTail()
        self._pending: dict[str, _Pending] = {}
        self._said_goodbye = False
        self._exit_reason = "quit"
        self.base_loads = 0  # base loads by the current worker (it reports the count)

    # --- public API -----------------------------------------------------------------

    def submit(self, request: protocol.GenerationRequest, adapter_id: int | None = None) -> None:
        """Send ``request`` (starting the worker if it is not running)."""
        self._pending[request.request_id] = _Pending(request, adapter_id)
        if not self.is_running():
            try:
                self._start()
            except MusiclabError as exc:
                self._fail(request.request_id, str(exc))
                return
        self._write(request.to_json())

    def cancel(self, request_id: str) -> None:
        if request_id in self._pending and self.is_running():
            self._write(protocol.cancel_request(request_id))

    def is_running(self) -> bool:
        return (self._process is not None
                and self._process.state() != QProcess.ProcessState.NotRunning)

    def pid(self) -> int:
        return int(self._process.processId()) if self._process is not None else 0

    def pending(self) -> list[str]:
        return list(self._pending)

    def shutdown(self) -> None:
        """Ask the worker to quit (closing its stdin) and kill it if it lingers."""
        process = self._process
        if process is None or not self.is_running():
            return
        self._said_goodbye = True
        process.closeWriteChannel()
        if not process.waitForFinished(_QUIT_MS):
            process.kill()
            process.waitForFinished(_QUIT_MS)

    # --- the process ------------------------------------------------------------------

    def _start(self) -> None:
        if self._idle_timeout_source is not None:
            self.idle_timeout_s = self._idle_timeout_source()
        command = self._command or generation_command(
            training_interpreter(self.settings), self.idle_timeout_s, self.device)
        if self._process is not None:
            self._release(self._process)
        process = worker_process(command, str(self._library.root if self._library else "."),
                                 self)
        self._process = process
        self._splitter = EventStreamSplitter()
        self._tail = TerminalTail()
        self._said_goodbye = False
        self._exit_reason = "quit"
        self.base_loads = 0
        process.readyReadStandardOutput.connect(self._read_events)
        process.readyReadStandardError.connect(self._read_terminal)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        process.start()
        if not process.waitForStarted(10_000):
            raise MusiclabError(f"Cannot start the generation worker with {command[0]}: "
                                f"{process.errorString()}")
        self.workerStarted.emit(int(process.processId()))

    def _write(self, line: str) -> None:
        if self._process is not None:
            self._process.write((line + "\n").encode("utf-8"))

    @staticmethod
    def _release(process: QProcess) -> None:
        for signal in (process.readyReadStandardOutput, process.readyReadStandardError,
                       process.finished, process.errorOccurred):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect()
        process.deleteLater()

    def _read_terminal(self) -> None:
        if self._process is None:
            return
        data = bytes(self._process.readAllStandardError().data())
        if data:
            self._tail.add(data)
            self.terminalBytes.emit(data)

    def _read_events(self) -> None:
        if self._process is None:
            return
        events, stray = self._splitter.feed(bytes(self._process.readAllStandardOutput().data()))
        if stray:
            self._tail.add(stray)
            self.terminalBytes.emit(stray)
        for event in events:
            self._take(event)

    def _take(self, event: protocol.Event) -> None:
        if isinstance(event, protocol.BaseLoadedEvent):
            self.base_loads = event.loads
            self.baseLoaded.emit(event)
        elif isinstance(event, protocol.AdapterLoadedEvent):
            self.adapterLoaded.emit(event)
        elif isinstance(event, protocol.GenerationProgressEvent):
            self.progress.emit(event.request_id, event.tokens, event.total_tokens, event.index,
                               event.count)
        elif isinstance(event, protocol.TakeReadyEvent):
            self._take_ready(event)
        elif isinstance(event, protocol.GenerationDoneEvent):
            self._finish(event.request_id, "done", "")
        elif isinstance(event, protocol.GenerationCancelledEvent):
            self._finish(event.request_id, "cancelled", "")
        elif isinstance(event, protocol.GenerationErrorEvent):
            if event.request_id is not None:
                self._fail(event.request_id, event.message)
        elif isinstance(event, protocol.GenerationExitEvent):
            self._said_goodbye = True
            self._exit_reason = event.reason

    def _take_ready(self, event: protocol.TakeReadyEvent) -> None:
        pending = self._pending.get(event.request_id)
        if pending is None:
            return
        pending.takes.append(event)
        stored: object = event
        if self._library is not None:
            try:
                stored = self._library.generations.record_take(pending.request,
                                                               pending.adapter_id, event)
            except MusiclabError as exc:  # the audio exists; only its row is missing
                self.terminalBytes.emit(f"\r\nCould not store the take: {exc}\r\n".encode())
        self.takeReady.emit(event.request_id, stored)

    def _finish(self, request_id: str, outcome: str, message: str) -> None:
        if self._pending.pop(request_id, None) is not None:
            self.requestFinished.emit(request_id, outcome, message)

    def _fail(self, request_id: str, message: str) -> None:
        self._finish(request_id, "failed", message)

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            message = (f"Cannot start the generation worker: {self._process.errorString()}")
            for request_id in list(self._pending):
                self._fail(request_id, message)
            self.workerStopped.emit(message, True)

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        self._read_terminal()
        self._read_events()
        events, _stray = self._splitter.finish()
        for event in events:
            self._take(event)
        crashed = status == QProcess.ExitStatus.CrashExit
        if self._said_goodbye and not crashed and exit_code == 0:
            # An idle exit may cross a request sent meanwhile: send it to a new worker.
            waiting = [(p.request, p.adapter_id) for p in self._pending.values()]
            self._pending.clear()
            why = {"idle": "after its idle timeout", "eof": "as asked"}.get(self._exit_reason,
                                                                             "as asked")
            self.workerStopped.emit(f"The generation worker stopped {why}.", False)
            for request, adapter_id in waiting:
                self.submit(request, adapter_id)
            return
        message = crash_sentence(exit_code, crashed, self._tail.text())
        for request_id in list(self._pending):
            self._fail(request_id, message)
        self.workerStopped.emit(message, True)
