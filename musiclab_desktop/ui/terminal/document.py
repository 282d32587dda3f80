"""The terminal's content: the raw log and the screens rebuilt from it.

Qt-free. The raw log (every byte as received) is the truth; the visible emulator is a
cache of it, rebuilt tail first whenever that is cheaper than catching up:

- a stored log, a resize, or a live backlog too large to catch up with: replay only the
  tail (enough lines to fill a few screens) at once, so the last screen shows within a
  frame or two; then
- a background replay (the backfill) rebuilds the full scrollback from further back in
  small steps and takes over once it has caught up with the log.

Where the backfill starts is a guess from counting newlines, and output that moves the
cursor up (nested progress bars write a newline and a cursor-up on every redraw) scrolls
far less than it has newlines. So the backfill checks its own result: a replay that
started at byte ``s`` shows exactly what a replay from byte 0 shows once it has scrolled
a screen height past its first scroll (rows from before ``s`` have all left the screen
by then, and the cursor's row agrees from the first scroll on). A backfill that has not
scrolled the scrollback plus two screens starts again from further back, from byte 0 at
worst, so the history is exact for a log of any size.

Lines are numbered absolutely: scrollback line ``i`` is line ``first_line + i``, screen
row ``y`` is line ``screen_line + y``; the numbers survive old lines leaving the deque.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .emulator import DEFAULT_SCROLLBACK, TerminalScreen
from .escapes import tail_start
from .replay import Clock, Replay
from .styled_line import EMPTY_LINE, StyledLine, style_line

MIN_COLUMNS = 10
MIN_LINES = 2
_TAIL_SCREENS = 3  # the first replay fills this many screens...
_TAIL_MIN_ROWS = 100
_TAIL_MAX_BYTES = 128 * 1024  # ...from at most this many bytes
_TAIL_GROWTH = 4
_TAIL_BUDGET_S = 0.025  # growing the tail stops here: the backfill corrects the rest
_BACKFILL_MARGIN = 1.1  # newlines to replay beyond those needed: cursor-up eats a few
_BACKFILL_GROWTH = 1.25  # a restart replays this much more than the density measured asks
_RESYNC_MIN_BYTES = 1_000_000


@dataclass
class Changes:
    """What changed since the last look: repaint ``rows`` (screen rows), or all."""

    rows: set[int] = field(default_factory=set)
    everything: bool = False
    replaced: bool = False  # a new emulator took over (selection and caches are stale)


class TerminalDocument:
    """The raw log, the emulator showing it, and the backfill rebuilding its scrollback."""

    def __init__(
        self,
        columns: int = 80,
        lines: int = 24,
        scrollback: int = DEFAULT_SCROLLBACK,
        clock: Clock = time.perf_counter,
    ) -> None:
        self.scrollback = scrollback
        self.log = bytearray()
        # Live backlog (in seconds of work) beyond which the view restarts from the tail.
        self.resync_after_s: float | None = 2.0
        self._clock = clock
        self._columns = max(MIN_COLUMNS, columns)
        self._lines = max(MIN_LINES, lines)
        self._row_cache: dict[int, StyledLine] = {}
        self._frozen_until = 0
        self._pending = Changes(everything=True, replaced=True)
        self.backfill: Replay | None = None
        self._backfill_gap = 0  # bytes the backfill had to replay when it started
        self.active = self._new_replay(0)

    # -- size and content ----------------------------------------------------------------

    @property
    def columns(self) -> int:
        return self._columns

    @property
    def lines(self) -> int:
        return self._lines

    @property
    def screen(self) -> TerminalScreen:
        return self.active.screen

    def clear(self) -> None:
        """Forget the log and start an empty screen."""
        self.log = bytearray()
        self.backfill = None
        self._replace_active(self._new_replay(0))

    def append(self, data: bytes) -> None:
        """Live bytes: they show as the pump catches up."""
        self.log += data

    def load(self, data: bytes) -> None:
        """Replace everything with a stored log, the last screen at once."""
        self.log = bytearray(data)
        self.rebuild()

    def resize(self, columns: int, lines: int) -> bool:
        """Re-render at a new size (wrapping follows the new width). False if unchanged."""
        columns, lines = max(MIN_COLUMNS, columns), max(MIN_LINES, lines)
        if (columns, lines) == (self._columns, self._lines):
            return False
        self._columns, self._lines = columns, lines
        self.rebuild()
        return True

    def rebuild(self) -> None:
        """Tail first: replay just enough to show the last screens, backfill the rest."""
        end = len(self.log)
        tail = self._replay_tail(end)
        self._replace_active(tail)
        # The first newlines only move the cursor down an empty screen: no scroll.
        wanted = int(self._exact_after_scrolls() * _BACKFILL_MARGIN) + self._lines
        full_start = tail_start(self.log, end, wanted, None)
        if full_start >= tail.start and not self._is_exact(tail):
            full_start = self._earlier_start(tail)
        self._start_backfill(full_start, end, before=tail.start)

    def _exact_after_scrolls(self) -> int:
        """Scrolls after which a replay's scrollback is what a replay from byte 0 holds."""
        return self.scrollback + 2 * self._lines

    def _is_exact(self, replay: Replay) -> bool:
        return replay.start == 0 or replay.screen.pushed_total >= self._exact_after_scrolls()

    def _start_backfill(self, start: int, end: int, before: int) -> None:
        self.backfill = self._new_replay(start) if start < before else None
        self._backfill_gap = end - start

    def _replay_tail(self, end: int) -> Replay:
        """Replay a tail long enough that every visible row was written after its cut.

        Counting newlines is not enough when the output moves the cursor up (nested
        progress bars): then the screen has not scrolled a full height since the cut,
        and rows from before it would be missing. Such a tail grows while time allows.
        """
        started = self._clock()
        rows = max(self._lines * _TAIL_SCREENS, _TAIL_MIN_ROWS)
        max_bytes = _TAIL_MAX_BYTES
        while True:
            attempt = self._clock()
            tail = self._new_replay(tail_start(self.log, end, rows, max_bytes))
            tail.run(self.log, None)
            now = self._clock()
            settled = tail.screen.pushed_total >= self._lines
            # The next attempt replays up to _TAIL_GROWTH times as much: only if it fits.
            affordable = now - started + (now - attempt) * _TAIL_GROWTH <= _TAIL_BUDGET_S
            if tail.start == 0 or settled or not affordable:
                return tail
            rows, max_bytes = rows * _TAIL_GROWTH, max_bytes * _TAIL_GROWTH

    def _new_replay(self, start: int) -> Replay:
        return Replay(self._columns, self._lines, self.scrollback, start, self._clock)

    def _replace_active(self, replay: Replay) -> None:
        self.active = replay
        self._frozen_until = 0
        self._row_cache.clear()
        self._pending = Changes(everything=True, replaced=True)

    # -- feeding ---------------------------------------------------------------------------

    def has_live_work(self) -> bool:
        return self.active.has_work(self.log)

    def pump(self, budget: float | None) -> bool:
        """Show live bytes for up to ``budget`` seconds; returns whether work remains.

        When the backlog would take longer than ``resync_after_s`` to replay, the
        screen restarts from the tail of the log instead of falling further behind.
        """
        backlog = len(self.log) - self.active.offset
        if (
            self.resync_after_s is not None
            and backlog > _RESYNC_MIN_BYTES
            and self.active.backlog_seconds(self.log) > self.resync_after_s
        ):
            self.rebuild()
            return self.active.has_work(self.log)
        return self.active.run(self.log, budget)

    @property
    def backfilling(self) -> bool:
        return self.backfill is not None

    def backfill_step(self, budget: float | None) -> bool:
        """Advance the background rebuild; True when it took over the view just now."""
        backfill = self.backfill
        if backfill is None:
            return False
        if budget is not None and len(self.log) - backfill.offset > self._backfill_gap * 2:
            self.backfill = None  # live output outruns it: the tail is what we can show
            return False
        if backfill.run(self.log, budget):
            return False
        if not self._is_exact(backfill):
            self._start_backfill(self._earlier_start(backfill), backfill.offset, backfill.start)
            return False
        self.backfill = None
        self._replace_active(backfill)
        return True

    def _earlier_start(self, short: Replay) -> int:
        """Where to replay from when ``short`` did not scroll enough: at least twice as far.

        The bytes per scroll that ``short`` measured say how far back is enough.
        """
        span = short.offset - short.start
        scrolls = short.screen.pushed_total
        wanted = self._exact_after_scrolls() + self._lines
        estimate = span * wanted / scrolls * _BACKFILL_GROWTH if scrolls else 0.0
        start = short.offset - max(2 * span, int(estimate))
        if start <= 0:
            return 0
        return self.log.rfind(b"\n", 0, start) + 1  # after a newline: the cursor at column 0

    def flush(self) -> bool:
        """Everything now: live bytes and the backfill (for search, copy and save).

        Returns whether the backfill took over the view.
        """
        took_over = False
        while self.backfill is not None:  # a restart from further back goes round again
            took_over = self.backfill_step(None)
        self.active.run(self.log, None)
        return took_over

    # -- changes for the painter -----------------------------------------------------------

    def take_changes(self) -> Changes:
        screen = self.active.screen
        changes = self._pending
        self._pending = Changes()
        changes.rows |= screen.dirty
        for row in screen.dirty:
            self._row_cache.pop(row, None)
        screen.dirty.clear()
        return changes

    # -- reading lines ----------------------------------------------------------------------

    @property
    def first_line(self) -> int:
        """The absolute number of the oldest scrollback line."""
        screen = self.active.screen
        return screen.pushed_total - len(screen.history)

    @property
    def screen_line(self) -> int:
        """The absolute number of the screen's top row."""
        return self.active.screen.pushed_total

    @property
    def end_line(self) -> int:
        return self.screen_line + self.active.screen.lines

    def line(self, number: int) -> StyledLine:
        """Absolute line ``number``; an empty line outside the scrollback and screen."""
        screen = self.active.screen
        row = number - screen.pushed_total
        if row >= 0:
            return self._screen_row(row)
        index = number - self.first_line
        if index < 0:
            return EMPTY_LINE
        stored = screen.history[index]
        if isinstance(stored, StyledLine):
            return stored
        styled = style_line(stored, screen.columns)
        screen.history[index] = styled  # frozen once: history lines never change
        return styled

    def _screen_row(self, row: int) -> StyledLine:
        screen = self.active.screen
        if row >= screen.lines:
            return EMPTY_LINE
        cached = self._row_cache.get(row)
        if cached is None or row in screen.dirty:  # changed since take_changes() looked
            cells = screen.buffer.get(row)
            cached = style_line(cells, screen.columns) if cells else EMPTY_LINE
            self._row_cache[row] = cached
        return cached

    def compact_history(self, budget: float) -> bool:
        """Freeze scrollback lines still held as pyte rows (for memory); True when done."""
        screen = self.active.screen
        history, columns = screen.history, screen.columns
        deadline = self._clock() + budget
        start = max(self._frozen_until, self.first_line) - self.first_line
        for index in range(start, len(history)):
            stored = history[index]
            if not isinstance(stored, StyledLine):
                history[index] = style_line(stored, columns)
            if index % 64 == 63 and self._clock() >= deadline:
                self._frozen_until = self.first_line + index + 1
                return False
        self._frozen_until = screen.pushed_total
        return True

    def texts(self, first: int, end: int) -> list[str]:
        return [self.line(number).text for number in range(first, end)]

    def screen_lines(self) -> list[str]:
        return self.texts(self.screen_line, self.end_line)

    def plain_text(self) -> str:
        """Scrollback and screen as a terminal shows them, without trailing blank lines."""
        lines = self.texts(self.first_line, self.end_line)
        while lines and not lines[-1]:
            lines.pop()
        return "".join(line + "\n" for line in lines)

    def cursor(self) -> tuple[int, int, bool]:
        """Screen row, column and visibility of the cursor."""
        cursor = self.active.screen.cursor
        return cursor.y, min(cursor.x, self._columns - 1), not cursor.hidden
