"""What arrives on stdin: requests queued for the server, cancels acted on at once.

A reader thread owns stdin, so a cancel reaches the decode loop while it runs (the
main thread is busy in ``generate``). No torch here.
"""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, field
from typing import IO, Any

from musiclab_desktop.core import protocol


@dataclass
class Closed:
    """stdin reached its end (the app quit, or a quit request)."""

    reason: str


@dataclass
class Malformed:
    """A line that is no request; answered with a sentence."""

    message: str
    request_id: str | None = None


Item = protocol.GenerationRequest | Closed | Malformed


@dataclass
class Inbox:
    """Requests in arrival order, and the ids of requests cancelled before or during work."""

    items: queue.Queue[Item] = field(default_factory=queue.Queue)
    cancelled: set[str] = field(default_factory=set)
    current: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def is_cancelled(self, request_id: str) -> bool:
        with self._lock:
            return request_id in self.cancelled

    def cancel(self, request_id: str) -> None:
        with self._lock:
            self.cancelled.add(request_id)

    def forget(self, request_id: str) -> None:
        with self._lock:
            self.cancelled.discard(request_id)

    def get(self, timeout_s: float | None) -> Item | None:
        """The next item, or None after ``timeout_s`` without one."""
        try:
            return self.items.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def take_line(self, line: str) -> bool:
        """File one stdin line; False once the stream is to be closed (a quit)."""
        if not line.strip():
            return True
        try:
            payload: Any = json.loads(line)
        except ValueError:
            self.items.put(Malformed("A request line is not JSON; each request is one JSON "
                                     "object on one line."))
            return True
        if not isinstance(payload, dict):
            self.items.put(Malformed("A request must be a JSON object."))
            return True
        op = payload.get("op", protocol.OP_GENERATE)
        if op == protocol.OP_CANCEL:
            self.cancel(str(payload.get("request_id", "")))
            return True
        if op == protocol.OP_QUIT:
            self.items.put(Closed("quit"))
            return False
        if op != protocol.OP_GENERATE:
            self.items.put(Malformed(f"Unknown request {str(op)!r}; use generate, cancel or "
                                     "quit."))
            return True
        try:
            self.items.put(protocol.GenerationRequest.from_payload(payload))
        except (TypeError, ValueError) as error:
            request_id = payload.get("request_id")
            self.items.put(Malformed(str(error), request_id if isinstance(request_id, str)
                                     else None))
        return True

    def read_forever(self, stream: IO[str]) -> None:
        """Read ``stream`` until its end (run in a daemon thread)."""
        for line in stream:
            if not self.take_line(line):
                return
        self.items.put(Closed("eof"))

    def start_reader(self, stream: IO[str]) -> threading.Thread:
        thread = threading.Thread(target=self.read_forever, args=(stream,), daemon=True,
                                  name="generation-stdin")
        thread.start()
        return thread
