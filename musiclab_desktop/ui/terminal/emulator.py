"""The terminal emulator: a pyte screen with its own scrollback, tuned for training logs.

Qt-free. pyte's HistoryScreen is about three times slower than a plain Screen (it hooks
``__getattribute__``) and drops lines when it shrinks, so this screen pushes the line
leaving the top into a deque itself, and the caller re-renders from the raw log on resize.
Where pyte and tmux disagree, this follows tmux, the terminal the fidelity tests compare with.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict, deque
from typing import Any, ClassVar

import pyte
from pyte import charsets, control
from pyte import modes as mo
from pyte.screens import Char, Cursor, StaticDefaultDict, wcwidth

Line = StaticDefaultDict[int, Char]

DEFAULT_SCROLLBACK = 10_000

# ?47, ?1047 and ?1049 switch to the alternate screen; pyte ignores them.
_ALTERNATE_SCREEN_MODES = frozenset({47, 1047, 1049})
_SAVES_CURSOR = 1049

# Characters that always take exactly one cell (wcwidth == 1, verified by the tests):
# the fast path draws runs of them in bulk instead of one at a time.
ONE_CELL_TEXT = re.compile(
    "[\x20-\x7e\xa0-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e"
    "\u2190-\u2319\u231c-\u2328\u232b-\u23e8\u2500-\u25fc\u2800-\u28ff]+"
)

_MAX_GLYPH_TABLES = 4096


class _GlyphTable(dict[str, Char]):
    """The cells of one attribute set, shared by every cell that shows the same character.

    Sharing makes drawing a dictionary lookup instead of a namedtuple copy, and keeps a
    scrollback of ten thousand lines from holding a million distinct tuples.
    """

    __slots__ = ("attrs",)

    def __init__(self, attrs: Char) -> None:
        super().__init__()
        self.attrs = attrs

    def __missing__(self, char: str) -> Char:
        glyph = self.attrs._replace(data=char)
        self[char] = glyph
        return glyph


class TerminalScreen(pyte.Screen):
    """A pyte screen with scrollback, LNM on, alternate screen and tmux's clear semantics."""

    def __init__(self, columns: int, lines: int, scrollback: int = DEFAULT_SCROLLBACK) -> None:
        self.history: deque[Any] = deque(maxlen=max(0, scrollback))
        # Lines ever pushed into history: absolute line numbers stay valid while old lines
        # fall off the front of the deque.
        self.pushed_total = 0
        self._glyph_tables: dict[Char, _GlyphTable] = {}
        # pyte types its buffer as a dict (it is a defaultdict).
        self._saved_main: tuple[dict[int, Line], Cursor | None] | None = None
        super().__init__(columns, lines)
        # Screen.__init__ overwrites the modes reset() set: pipe output carries bare LF.
        self.mode.add(mo.LNM)

    def reset(self) -> None:
        self._saved_main = None
        super().reset()
        self.mode.add(mo.LNM)

    def blank_line(self) -> Line:
        return StaticDefaultDict(self.default_char)

    # -- drawing -------------------------------------------------------------------------

    def draw(self, data: str) -> None:
        if self.charset or self.g0_charset is not charsets.LAT1_MAP:
            data = data.translate(self.g1_charset if self.charset else self.g0_charset)
        if mo.IRM in self.mode or mo.DECAWM not in self.mode:
            self._draw_each(data)
            return
        fast = ONE_CELL_TEXT.match
        position, length = 0, len(data)
        while position < length:
            run = fast(data, position)
            if run is None:
                self._draw_each(data[position])
                position += 1
                continue
            self._draw_run(data[position : run.end()])
            position = run.end()

    def _draw_run(self, text: str) -> None:
        """Draw characters one cell wide each, a screen row at a time."""
        cursor, columns = self.cursor, self.columns
        glyphs = self._glyphs()
        lookup = glyphs.__getitem__
        offset, length = 0, len(text)
        while offset < length:
            if cursor.x >= columns:
                self.dirty.add(cursor.y)
                self.carriage_return()
                self.linefeed()
            take = min(length - offset, columns - cursor.x)
            line = self.buffer[cursor.y]
            x = cursor.x
            cells = map(lookup, text[offset : offset + take])
            line.update(zip(range(x, x + take), cells, strict=True))
            cursor.x = x + take
            offset += take
        self.dirty.add(cursor.y)

    def _draw_each(self, data: str) -> None:
        """pyte's draw, except that an unprintable character is skipped, not the rest."""
        cursor, columns = self.cursor, self.columns
        for char in data:
            width = wcwidth(char)
            if width < 0 or (width == 0 and not unicodedata.combining(char)):
                continue
            # A wide character that does not fit in the last column wraps first, as in tmux.
            if width > 0 and cursor.x + width > columns:
                if mo.DECAWM in self.mode:
                    self.dirty.add(cursor.y)
                    self.carriage_return()
                    self.linefeed()
                else:
                    cursor.x = max(0, columns - width)
            if mo.IRM in self.mode and width > 0:
                self.insert_characters(width)
            line = self.buffer[cursor.y]
            if width == 0:
                self._combine(char)
                continue
            glyphs = self._glyphs()
            line[cursor.x] = glyphs[char]
            if width == 2 and cursor.x + 1 < columns:
                line[cursor.x + 1] = glyphs[""]
            cursor.x = min(cursor.x + width, columns)
        self.dirty.add(cursor.y)

    def _combine(self, char: str) -> None:
        cursor = self.cursor
        if cursor.x:
            line, x = self.buffer[cursor.y], cursor.x - 1
        elif cursor.y:
            line, x = self.buffer[cursor.y - 1], self.columns - 1
        else:
            return
        last = line[x]
        # Kept decomposed, as tmux keeps it (pyte composes it with NFC).
        line[x] = last._replace(data=last.data + char)

    def _glyphs(self) -> _GlyphTable:
        attrs = self.cursor.attrs
        table = self._glyph_tables.get(attrs)
        if table is None:
            if len(self._glyph_tables) >= _MAX_GLYPH_TABLES:
                self._glyph_tables.clear()  # a truecolor gradient must not grow this forever
            table = self._glyph_tables[attrs] = _GlyphTable(attrs)
        return table

    def select_graphic_rendition(self, *attrs: int, **kwargs: Any) -> None:
        if kwargs.get("private"):
            return  # ESC[?...m is no colour change
        super().select_graphic_rendition(*_name_low_colours(attrs))

    # -- scrolling and scrollback ----------------------------------------------------------

    def index(self) -> None:
        top, bottom = self.margins or (0, self.lines - 1)
        cursor = self.cursor
        self._clear_pending_wrap()
        if cursor.y == bottom:
            self._scroll_up(top, bottom)
        elif cursor.y < self.lines - 1:
            # Below the scroll region the cursor still moves down, without scrolling.
            cursor.y += 1

    def _scroll_up(self, top: int, bottom: int) -> None:
        buffer = self.buffer
        departing = buffer.pop(top, None)
        # Like tmux, only a whole-screen scroll feeds the history.
        if top == 0 and bottom == self.lines - 1 and self._saved_main is None:
            self._push_history(departing if departing is not None else self.blank_line())
        for y in range(top + 1, bottom + 1):
            line = buffer.pop(y, None)
            if line is not None:
                buffer[y - 1] = line
        self.dirty.update(range(top, bottom + 1))

    def _push_history(self, line: Line) -> None:
        if self.history.maxlen:
            self.history.append(line)
            self.pushed_total += 1

    def reverse_index(self) -> None:
        self._clear_pending_wrap()
        super().reverse_index()

    def erase_in_display(self, how: int = 0, *args: Any, **kwargs: Any) -> None:
        if how == 3:
            # tmux: ED 3 clears the history and leaves the screen alone.
            self.history.clear()
            return
        if how == 2 and self._saved_main is None and self.margins is None:
            # tmux's scroll-on-clear (on by default): the cleared screen goes to history.
            used = self._used_lines()
            for y in range(used):
                line = self.buffer.pop(y) if y in self.buffer else None
                self._push_history(line or self.blank_line())
        super().erase_in_display(how, *args, **kwargs)

    def _used_lines(self) -> int:
        """Rows down to the last one holding anything but blanks."""
        blank = self.default_char
        for y in range(self.lines - 1, -1, -1):
            line = self.buffer.get(y)
            if line and any(cell != blank for cell in line.values()):
                return y + 1
        return 0

    # -- cursor movement: tmux leaves the pending-wrap column on any vertical move ----------

    def _clear_pending_wrap(self) -> None:
        if self.cursor.x >= self.columns:
            self.cursor.x = self.columns - 1

    def cursor_up(self, count: int | None = None) -> None:
        self._clear_pending_wrap()
        super().cursor_up(count)

    def cursor_down(self, count: int | None = None) -> None:
        self._clear_pending_wrap()
        super().cursor_down(count)

    def cursor_to_line(self, line: int | None = None) -> None:
        self._clear_pending_wrap()
        super().cursor_to_line(line)

    # -- the alternate screen ------------------------------------------------------------

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private") and _ALTERNATE_SCREEN_MODES.intersection(modes):
            self._enter_alternate(save_cursor=_SAVES_CURSOR in modes)
        super().set_mode(*modes, **kwargs)

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private") and _ALTERNATE_SCREEN_MODES.intersection(modes):
            self._leave_alternate()
        super().reset_mode(*modes, **kwargs)

    def _enter_alternate(self, *, save_cursor: bool) -> None:
        if self._saved_main is not None:
            return
        cursor = None
        if save_cursor:
            cursor = Cursor(self.cursor.x, self.cursor.y, self.cursor.attrs)
        self._saved_main = (self.buffer, cursor)
        self.buffer = defaultdict(self.blank_line)
        self.dirty.update(range(self.lines))

    def _leave_alternate(self) -> None:
        if self._saved_main is None:
            return
        self.buffer, cursor = self._saved_main
        self._saved_main = None
        if cursor is not None:
            self.cursor = cursor
            self.ensure_hbounds()
            self.ensure_vbounds()
        self.dirty.update(range(self.lines))


def _name_low_colours(attrs: tuple[int, ...]) -> list[int]:
    """Turn 38;5;n and 48;5;n with n < 16 into the named SGR for the same colour.

    pyte stores both 256-colour indexes and truecolor as hex, so without this the
    palette could not tell index 1 (themed red) from truecolor #cd0000.
    """
    out: list[int] = []
    position = 0
    while position < len(attrs):
        attr = attrs[position]
        if attr in (38, 48) and position + 2 < len(attrs) and attrs[position + 1] == 5:
            index = attrs[position + 2]
            if index < 16:
                base = 30 if attr == 38 else 40
                out.append(base + index if index < 8 else base + 60 + index - 8)
                position += 3
                continue
        if attr in (38, 48) and position + 1 < len(attrs) and attrs[position + 1] in (2, 5):
            take = 5 if attrs[position + 1] == 2 else 3
            out.extend(attrs[position : position + take])
            position += take
            continue
        out.append(attr)
        position += 1
    return out


class TerminalStream(pyte.ByteStream):
    """A UTF-8 byte stream where VT and FF only move down, as tmux does behind a tty.

    The tty's onlcr adds a carriage return to LF alone, so LNM matches LF but not VT/FF.
    """

    # pyte declares its table without ClassVar, so mypy sees an instance variable.
    basic: ClassVar[dict[str, str]] = {  # type: ignore[misc]
        **pyte.ByteStream.basic,
        control.VT: "index",
        control.FF: "index",
    }

    def _send_to_parser(self, data: str) -> bool | None:
        try:
            return super()._send_to_parser(data)
        except Exception:
            # A malformed sequence (pyte raises on e.g. ESC[?5A) must cost only itself,
            # not the rest of the log; pyte has already reset its parser.
            return True
