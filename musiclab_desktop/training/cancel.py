"""Cooperative cancellation: SIGTERM (or Ctrl+C) asks the loop to stop after its step."""

from __future__ import annotations

import signal
from types import FrameType


class CancelFlag:
    """Set by the first SIGTERM/SIGINT; a second one falls back to the default action."""

    def __init__(self) -> None:
        self.requested = False

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        # A second signal means "now": let it terminate the process at once.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
