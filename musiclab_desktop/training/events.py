"""The event channel: one JSON object per line on the worker's original stdout.

At start the worker keeps a duplicate of fd 1 for events and points fd 1 at stderr,
so whatever a library prints lands in the human terminal and never corrupts the
event stream.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, BinaryIO

from musiclab_desktop.core import protocol


class EventChannel:
    """Writes protocol events, one unbuffered write per line so none interleave."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream: BinaryIO | None = stream

    @classmethod
    def take_over_stdout(cls) -> EventChannel:
        """Keep the real stdout for events and send fd 1 (and sys.stdout) to stderr."""
        sys.stdout.flush()
        event_fd = os.dup(1)
        os.dup2(2, 1)
        # Python-level prints follow stderr's line buffering, so they interleave in order.
        sys.stdout = sys.stderr
        return cls(os.fdopen(event_fd, "wb", buffering=0))

    def emit(self, event_type: str, **data: Any) -> None:
        if self._stream is None:
            return
        data.setdefault("time", time.time())
        try:
            self._stream.write(protocol.encode_event(event_type, **data))
            self._stream.flush()
        except BrokenPipeError:
            # The reader is gone (the app closed): train on and keep the terminal,
            # rather than die halfway through writing a checkpoint.
            self._stream = None

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
