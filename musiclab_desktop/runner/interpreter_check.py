"""The interpreter check without blocking the GUI: the same probe through QProcess."""

from __future__ import annotations

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal

from musiclab_desktop.runner.interpreter import (
    INSTALL_HINT,
    probe_verdict,
    worker_environment,
)
from musiclab_desktop.runner.training_probe import training_probe_command


class InterpreterCheck(QObject):
    """Checks that ``python`` can import torch, transformers and peft (takes seconds).

    ``finished`` carries "" when it can, else a sentence saying what to install.
    """

    finished = Signal(str)

    def __init__(self, python: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.python = python
        self._process = QProcess(self)
        environment = QProcessEnvironment()
        for key, value in worker_environment().items():
            environment.insert(key, value)
        self._process.setProcessEnvironment(environment)
        self._process.finished.connect(self._on_finished)
        self._process.errorOccurred.connect(self._on_error)

    def start(self) -> None:
        program, *arguments = training_probe_command(self.python)
        self._process.start(program, arguments)

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        stderr = bytes(self._process.readAllStandardError().data()).decode(errors="replace")
        crashed = status == QProcess.ExitStatus.CrashExit
        self.finished.emit(probe_verdict(self.python, 1 if crashed else exit_code, stderr) or "")

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:  # no finished signal follows
            self.finished.emit(f"The training interpreter {self.python} cannot be started "
                               f"({self._process.errorString()}). {INSTALL_HINT}")
