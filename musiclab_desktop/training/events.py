"""The event channel: one JSON object per line on the worker's original stdout.

At start the worker keeps a duplicate of fd 1 for events and points fd 1 at stderr,
so whatever a library prints lands in the human terminal and never corrupts the
event stream.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable
from typing import BinaryIO

from musiclab_desktop.core.protocol import Event


class EventChannel:
    """Writes protocol events, one unbuffered write per line so none interleave."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream: BinaryIO | None = stream
        # Called when the reader is gone (see owner_watch.py); it may redirect() us.
        self.on_broken_pipe: Callable[[], None] | None = None

    @classmethod
    def take_over_stdout(cls) -> EventChannel:
        """Keep the real stdout for events and send fd 1 (and sys.stdout) to stderr."""
        sys.stdout.flush()
        event_fd = os.dup(1)
        os.dup2(2, 1)
        # Python-level prints follow stderr's line buffering, so they interleave in order.
        sys.stdout = sys.stderr
        return cls(os.fdopen(event_fd, "wb", buffering=0))

    def emit(self, event: Event) -> None:
        """Write ``event``, stamped with the time now unless it carries one."""
        if self._stream is None:
            return
        if event.time is None:
            event = dataclasses.replace(event, time=time.time())
        line = (event.to_json() + "\n").encode("utf-8")
        stream = self._stream
        try:
            stream.write(line)
            stream.flush()
        except BrokenPipeError:
            # The reader is gone (its owner died): never die of it halfway through a
            # checkpoint. The owner watch sends the events to a file from now on.
            if self.on_broken_pipe is not None:
                self.on_broken_pipe()
            if self._stream is stream:
                self._stream = None  # nowhere else to write
            else:
                self.emit(event)

    def redirect(self, stream: BinaryIO) -> None:
        """Write events to ``stream`` from now on (the owner-gone file). The old pipe
        stays open: another thread may be writing to it at this very moment."""
        self._stream = stream

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
