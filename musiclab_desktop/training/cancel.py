"""Cooperative cancellation: SIGTERM (or Ctrl+C) asks the loop to stop after its step."""

from __future__ import annotations

import signal
from types import FrameType

BY_USER = "user"


class CancelFlag:
    """Set by the first SIGTERM/SIGINT; a second one falls back to the default action.

    ``reason`` says why the run stops: "user" (a signal: Cancel, ``runs cancel``,
    Ctrl+C), or "owner_gone" when the process that started the worker died (see
    owner_watch.py). ``by_user`` stays true once the user asked, whatever came first:
    only the user gives up a save that waits for disk space (disk_room.py).
    """

    def __init__(self) -> None:
        self.requested = False
        self.reason: str | None = None
        self.by_user = False

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def request(self, reason: str) -> None:
        """Stop after the current step, as a cancel does, for ``reason``."""
        self.by_user = self.by_user or reason == BY_USER
        if not self.requested:
            self.reason = reason
            self.requested = True

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.request(BY_USER)
        # A second signal means "now": let it terminate the process at once.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
