"""Setting up the managed training environment without blocking: the plan through QProcess.

The same steps as :func:`musiclab_desktop.runner.managed_env.run_setup`, one QProcess
after the other, with pip's output streamed as raw bytes for a terminal view.
``cancel()`` stops the running step (terminate, then kill); what was installed stays,
so the next set-up continues from there.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from musiclab_desktop.runner.managed_env import (
    CANCELLED_MESSAGE,
    SetupPlan,
    SetupStep,
    clear_marker,
    failure_message,
    progress_header,
    setup_environment,
    skipped_line,
    write_marker,
)

_KILL_AFTER_MS = 3_000  # pip gets this long to stop cleanly after SIGTERM
_TAIL_BYTES = 65_536  # the end of a step's output, kept to explain a failure


class ManagedEnvSetup(QObject):
    """Runs a :class:`SetupPlan`; ``finished(ok, message)`` comes exactly once."""

    output = Signal(bytes)  # raw terminal bytes: step headers and the commands' output
    stepStarted = Signal(int, int, str)  # index, number of steps, title
    finished = Signal(bool, str)

    def __init__(self, plan: SetupPlan, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self._steps: list[SetupStep] = plan.steps()
        self._index = -1
        self._tail = bytearray()
        self._cancelled = False
        self._done = False
        self._process = QProcess(self)
        self._process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        environment = QProcessEnvironment()
        for key, value in setup_environment().items():
            environment.insert(key, value)
        self._process.setProcessEnvironment(environment)
        self._process.readyReadStandardOutput.connect(self._read)
        self._process.finished.connect(self._on_finished)
        self._process.errorOccurred.connect(self._on_error)
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.setInterval(_KILL_AFTER_MS)
        self._kill_timer.timeout.connect(self._process.kill)

    def is_running(self) -> bool:
        return self._index >= 0 and not self._done

    def start(self) -> None:
        self.plan.env_dir.parent.mkdir(parents=True, exist_ok=True)
        if self.plan.env_dir.exists():
            clear_marker(self.plan.env_dir)
        self._next()

    def cancel(self) -> None:
        if self._done:
            return
        self._cancelled = True
        if self._process.state() == QProcess.ProcessState.NotRunning:
            self._finish(False, CANCELLED_MESSAGE)
            return
        self.output.emit(b"\n\x1b[33mCancelling...\x1b[0m\n")
        self._process.terminate()
        self._kill_timer.start()

    # --- the steps ------------------------------------------------------------------

    def _next(self) -> None:
        total = len(self._steps)
        while True:
            self._index += 1
            if self._index >= total:
                self._succeed()
                return
            step = self._steps[self._index]
            if step.needed():
                break
            self.output.emit(skipped_line(self._index, total, step))
        self._tail.clear()
        self.stepStarted.emit(self._index, total, step.title)
        self.output.emit(progress_header(self._index, total, step))
        self._process.start(step.argv[0], step.argv[1:])

    def _read(self) -> None:
        data = self._process.readAllStandardOutput().data()
        if data:
            self._tail.extend(data)
            del self._tail[:-_TAIL_BYTES]
            self.output.emit(data)

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        self._kill_timer.stop()
        self._read()
        if self._cancelled:
            self._finish(False, CANCELLED_MESSAGE)
            return
        if status == QProcess.ExitStatus.CrashExit or exit_code != 0:
            step = self._steps[self._index]
            code = exit_code if status == QProcess.ExitStatus.NormalExit else -1
            self._finish(False, failure_message(step, self._tail.decode(errors="replace"), code))
            return
        self._next()

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error != QProcess.ProcessError.FailedToStart:
            return  # crashes and kills arrive through finished
        step = self._steps[self._index]
        self._finish(False, f"{step.title} failed: cannot start {step.argv[0]} "
                            f"({self._process.errorString()}).")

    def _succeed(self) -> None:
        try:
            write_marker(self.plan)
        except OSError as exc:
            self._finish(False, f"Cannot write to {self.plan.env_dir}: {exc}")
            return
        self._finish(True, f"The training environment is ready: {self.plan.python}")

    def _finish(self, ok: bool, message: str) -> None:
        if self._done:
            return
        self._done = True
        colour = "32" if ok else "31"
        self.output.emit(f"\n\x1b[{colour}m{message}\x1b[0m\n".encode())
        self.finished.emit(ok, message)
