"""One emulator fed from a raw log, piece by piece, within a time budget.

Qt-free. The raw log is the truth; a Replay is a screen built from ``log[start:offset]``.
Each piece is cut where no escape sequence or character is split, has its colon-form
SGR rewritten, its up-and-back-down redraws (nested bars) turned into carriage returns and
its invisible carriage-return redraws dropped (cheap, C-speed mostly),
then goes to pyte (the slow part) in small slices so a time budget holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pyte import modes as mo

from .collapse import (
    cancel_up_then_down,
    collapse_rewrites,
    may_set_insert_mode,
    may_set_margins,
)
from .emulator import TerminalScreen, TerminalStream
from .escapes import line_cut, normalise_sgr, safe_end

Clock = Callable[[], float]

_FIRST_RATE = 1_000_000.0  # raw bytes per second before anything was measured
_PIECE = 256 * 1024  # raw bytes prepared at once: a few ms even for dense progress bars
_SLICE = 4 * 1024  # prepared bytes per pyte call, between two looks at the clock
_RATE_WEIGHT = 0.3
_MIN_SAMPLE = 0.002  # seconds: shorter runs time mostly overhead


class Replay:
    """A screen fed from ``log[start:]``; ``offset`` is the next raw byte not yet taken."""

    def __init__(
        self,
        columns: int,
        lines: int,
        scrollback: int,
        start: int,
        clock: Clock = time.perf_counter,
    ) -> None:
        self.screen = TerminalScreen(columns, lines, scrollback)
        self.stream = TerminalStream(self.screen)
        self.start = start
        self.offset = start
        self.rate = _FIRST_RATE
        self._clock = clock
        self._prepared = b""  # taken from the log, not yet fed to pyte
        self._fed = 0

    def has_work(self, log: bytes | bytearray) -> bool:
        return self._fed < len(self._prepared) or safe_end(log, self.offset, len(log)) > self.offset

    def backlog_seconds(self, log: bytes | bytearray) -> float:
        return (len(log) - self.offset) / self.rate

    def run(self, log: bytes | bytearray, budget: float | None) -> bool:
        """Feed until the log is done or ``budget`` seconds are spent; ``None``: no limit.

        Returns whether work remains.
        """
        started = self._clock()
        deadline = None if budget is None else started + budget
        taken_from = self.offset
        more = self._run_until(log, deadline)
        self._learn_rate(self.offset - taken_from, self._clock() - started)
        return more

    def _run_until(self, log: bytes | bytearray, deadline: float | None) -> bool:
        while True:
            if not self._feed_prepared(deadline):
                return True
            end = safe_end(log, self.offset, len(log))
            if end <= self.offset:
                return False
            if deadline is not None and self._clock() >= deadline:
                return True
            self._take(log, end)

    def _take(self, log: bytes | bytearray, end: int) -> None:
        cut = end
        if end - self.offset > _PIECE:
            cut = line_cut(log, self.offset, self.offset + _PIECE)
            if cut <= self.offset:
                cut = end
        self._prepared = self.prepare(bytes(log[self.offset : cut]))
        self._fed = 0
        self.offset = cut

    def _feed_prepared(self, deadline: float | None) -> bool:
        """Feed what was prepared; False when the deadline came first."""
        prepared, feed = self._prepared, self.stream.feed
        while self._fed < len(prepared):
            if deadline is not None and self._clock() >= deadline:
                return False
            feed(prepared[self._fed : self._fed + _SLICE])
            self._fed += _SLICE
        self._prepared, self._fed = b"", 0
        return True

    def prepare(self, piece: bytes) -> bytes:
        piece = normalise_sgr(piece)
        if mo.IRM in self.screen.mode or may_set_insert_mode(piece):
            return piece
        if self.screen.margins is None and not may_set_margins(piece):
            piece = cancel_up_then_down(piece)
        return collapse_rewrites(piece, self.screen.columns)

    def _learn_rate(self, taken: int, elapsed: float) -> None:
        if elapsed < _MIN_SAMPLE or taken <= 0:
            return
        self.rate += _RATE_WEIGHT * (taken / elapsed - self.rate)
