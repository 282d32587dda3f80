"""Cuts the worker's event channel into protocol events, whatever the read boundaries."""

from __future__ import annotations

import json

from musiclab_desktop.core.protocol import Event

# A "line" longer than this without a newline is not an event: pass it on as text
# instead of holding an unbounded buffer.
MAX_LINE_BYTES = 1 << 20


class EventStreamSplitter:
    """Feed it bytes as they arrive; it returns whole-line events and the other bytes.

    Bytes that are not an event (a library printing to the real stdout despite the
    worker's redirect) come back unchanged, newline included, so the log loses nothing.
    """

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self._partial = b""
        self._max_line_bytes = max_line_bytes

    def feed(self, data: bytes) -> tuple[list[Event], bytes]:
        data = self._partial + data
        cut = data.rfind(b"\n") + 1
        self._partial = data[cut:]
        events, stray = self._split_lines(data[:cut])
        if len(self._partial) > self._max_line_bytes:
            stray += self._partial
            self._partial = b""
        return events, stray

    def finish(self) -> tuple[list[Event], bytes]:
        """The last, unterminated line: an event if it parses, else text."""
        rest, self._partial = self._partial, b""
        if not rest:
            return [], b""
        event = Event.from_json(rest)
        return ([event], b"") if event is not None else ([], rest)

    @classmethod
    def _split_lines(cls, block: bytes) -> tuple[list[Event], bytes]:
        if not block:
            return [], b""
        events = _all_events(block)
        return (events, b"") if events is not None else cls._split_line_by_line(block)

    @staticmethod
    def _split_line_by_line(block: bytes) -> tuple[list[Event], bytes]:
        events: list[Event] = []
        stray: list[bytes] = []
        for line in block.splitlines(keepends=True):
            event = Event.from_json(line)
            if event is None:
                stray.append(line)
            else:
                events.append(event)
        return events, b"".join(stray)


def _all_events(block: bytes) -> list[Event] | None:
    """Every line of ``block`` as an event, or None when any line is not one.

    One json.loads over the whole block is about three times faster than a call per
    line, which is what lets a flood of metric events through without stalling.
    """
    try:
        payloads = json.loads(b"[" + b",".join(block.splitlines()) + b"]")
    except ValueError:  # a line that is not JSON (or not UTF-8): go line by line
        return None
    events = []
    for payload in payloads:
        event = Event.from_payload(payload) if type(payload) is dict else None
        if event is None:
            return None
        events.append(event)
    return events
