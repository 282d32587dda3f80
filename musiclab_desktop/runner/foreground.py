"""Training one run in this process until it ends (the CLI's ``runs start``).

A QCoreApplication event loop drives the same RunManager the GUI uses. Ctrl+C (or
SIGTERM) cancels the run politely; a second Ctrl+C stops it at once.
"""

from __future__ import annotations

import signal
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEventLoop, QSocketNotifier

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.runner.interpreter import WorkerCommand
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings

LogSink = Callable[[bytes], None]
NoticeSink = Callable[[str], None]


def train_in_foreground(
    library: Library,
    run: RunRecord,
    *,
    settings: RunnerSettings | None = None,
    worker_command: WorkerCommand | None = None,
    on_log: LogSink | None = None,
    on_notice: NoticeSink | None = None,
) -> str:
    """Start ``run`` (PENDING), stream its terminal to ``on_log``, return its final status."""
    _application()
    manager = RunManager(library, settings, worker_command)
    loop = QEventLoop()
    outcome: list[str] = []

    def finished(run_id: int, status: str) -> None:
        if run_id == run.id:
            outcome.append(status)
            loop.quit()

    manager.runFinished.connect(finished)
    # A full data folder (or a worker waiting for disk space) in one sentence, as the
    # window's status bar says it.
    manager.storageProblem.connect(on_notice or (lambda _text: None))
    if on_log is not None:
        manager.logBytes.connect(lambda run_id, data: on_log(data) if run_id == run.id else None)
    with _interrupts_cancel(manager, run.id, on_notice or (lambda _text: None)):
        manager.start(run)
        if not outcome:
            loop.exec()
    return outcome[0]


def _application() -> QCoreApplication:
    return QCoreApplication.instance() or QCoreApplication([sys.argv[0]])


@contextmanager
def _interrupts_cancel(manager: RunManager, run_id: int, notice: NoticeSink) -> Iterator[None]:
    """Route SIGINT/SIGTERM into the event loop (a wakeup socket, no polling timer)."""
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda _s, _f: None) for sig in handled}
    previous_fd = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read)
    count = 0

    def on_signal() -> None:
        nonlocal count
        try:
            received = receiver.recv(64)
        except BlockingIOError:
            return
        for _ in received:
            count += 1
            if not manager.has_active_runs():
                return
            if count == 1:
                notice(f"Cancelling run {run_id} (press Ctrl+C again to stop it at once)…")
                manager.cancel(run_id)
            elif count == 2:
                notice(f"Stopping run {run_id} now.")
                manager.cancel(run_id, grace_s=0)

    notifier.activated.connect(on_signal)
    try:
        yield
    finally:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        receiver.close()
        sender.close()
