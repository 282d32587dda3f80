"""Noticing that the process that started the worker has died.

The owner (the window, ``musiclab runs start`` or the ``--detach`` supervisor) reads
the worker's two pipes and records the run. Once it is gone nobody reads them, and the
next write would kill the worker with a broken pipe in the middle of a step. Instead
the worker then writes its terminal and its events to files in the run folder
(``protocol.OWNER_GONE_TERMINAL_FILE`` and ``OWNER_GONE_EVENTS_FILE``), stops after the
current step exactly as a cancel does (saving a checkpoint; an adapter being saved is
finished), and exits. The next MusicLab process that reconciles the run stores those
files as the run's log and metrics and records how it ended.

Noticed two ways: the parent pid changes (POSIX, looked at every ``WATCH_S``), or a
write to one of the pipes fails.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from musiclab_desktop.core import protocol
from musiclab_desktop.training.cancel import CancelFlag
from musiclab_desktop.training.events import EventChannel

WATCH_S = 0.5
OWNER_GONE = "owner_gone"


class OwnerWatch:
    """Redirects the worker's output to the run folder and stops it once its owner dies."""

    def __init__(self, channel: EventChannel, cancel: CancelFlag) -> None:
        self._channel = channel
        self._cancel = cancel
        self._parent = os.getppid()
        self._folder: Path | None = None
        self._lock = threading.Lock()
        self.gone = False
        channel.on_broken_pipe = self.owner_gone

    def start(self) -> None:
        if sys.platform == "win32":
            return  # the parent pid never changes there: the broken pipe tells
        threading.Thread(target=self._watch, name="owner-watch", daemon=True).start()

    def set_run_folder(self, folder: Path) -> None:
        self._folder = folder

    def _watch(self) -> None:
        event = threading.Event()
        while not event.wait(WATCH_S):
            if os.getppid() != self._parent:
                self.owner_gone()
                return

    def owner_gone(self) -> None:
        with self._lock:
            if self.gone:
                return
            self.gone = True
            self._redirect()
        self._cancel.request(OWNER_GONE)
        print(f"\nwarning: the process that started this run (pid {self._parent}) has ended: "
              "stopping after this step, as a cancel would.", file=sys.stderr, flush=True)

    def _redirect(self) -> None:
        folder = self._folder
        if folder is None or not folder.is_dir():
            terminal, events = os.devnull, os.devnull
        else:
            terminal = str(folder / protocol.OWNER_GONE_TERMINAL_FILE)
            events = str(folder / protocol.OWNER_GONE_EVENTS_FILE)
        fd = os.open(terminal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.dup2(fd, 1)  # fd 1 is the terminal too (see EventChannel.take_over_stdout)
        os.close(fd)
        self._channel.redirect(open(events, "ab", buffering=0))  # noqa: SIM115


class GuardedStream:
    """stderr that survives its reader's death: a broken pipe tells the watch, which
    points fd 2 at a file, and the write is tried again there."""

    def __init__(self, inner: TextIO, watch: OwnerWatch) -> None:
        self._inner = inner
        self._watch = watch

    def write(self, text: str) -> int:
        try:
            return self._inner.write(text)
        except BrokenPipeError:
            self._watch.owner_gone()
            return self._inner.write(text)

    def flush(self) -> None:
        try:
            self._inner.flush()
        except BrokenPipeError:
            self._watch.owner_gone()
            self._inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
