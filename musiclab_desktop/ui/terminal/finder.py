"""Search in a terminal view: the query, the highlighted match, the Ctrl+F bar, jumps.

The view owns the lines and the scrolling; the finder asks it for them through
:class:`FinderHost` and tells it what to highlight through :meth:`TerminalFinder.bands`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

from .document import TerminalDocument
from .line_painter import Band
from .palette import TerminalPalette
from .search import Match, Query, find_match, first_line_with, is_error_line, make_query, matches_in
from .search_bar import TerminalSearchBar
from .styled_line import StyledLine


class FinderHost(Protocol):
    """What the finder needs from the view that shows the lines."""

    def flush(self) -> None:
        """Show everything received, scrollback included, before searching it."""

    def reveal(self, line: int) -> None:
        """Scroll so the absolute ``line`` is visible."""

    def shown_lines(self) -> tuple[int, int]:
        """The absolute lines the viewport shows: first, and one past the last."""

    def refresh(self) -> None:
        """Paint again: the highlights changed."""

    def search_closed(self) -> None:
        """The bar went away: the view takes the keyboard back."""


class TerminalFinder:
    """Finds text in the view's lines and keeps the match to highlight."""

    def __init__(self, host: FinderHost, document: TerminalDocument, bar_parent: QWidget,
                 colours: TerminalPalette) -> None:
        self._host = host
        self._document = document
        self._colours = colours
        self.query: Query | None = None
        self.current: Match | None = None
        self.bar = TerminalSearchBar(bar_parent)
        self.bar.hide()
        self.bar.findRequested.connect(self._find_from_bar)
        self.bar.closed.connect(self._on_bar_closed)

    # -- searching -----------------------------------------------------------------------

    def find(self, pattern: str, *, regex: bool = False, backwards: bool = False,
             case_sensitive: bool = False) -> bool:
        """Go to the next (or previous) match, highlighting all; False when there is none."""
        query = make_query(pattern, regex=regex, case_sensitive=case_sensitive)
        if query is None:
            self._set_query(None)
            return False
        self._host.flush()
        document = self._document
        origin = self._origin(query, backwards)
        self._set_query(query)
        found = find_match(query, self._text_of, document.first_line, document.end_line,
                           origin, backwards=backwards)
        self.current = found
        if found is not None:
            self._host.reveal(found.line)
        self._host.refresh()
        return found is not None

    def find_again(self, *, backwards: bool) -> bool:
        """The next (or previous) match of the last query (F3, Shift+F3); False without one."""
        if self.query is None:
            return False
        self.find(self.query.pattern, regex=self.query.regex, backwards=backwards)
        return True

    def handle_key(self, event: QKeyEvent) -> bool:
        """F3 and Shift+F3 (or the platform's keys) repeat the last search."""
        if event.matches(QKeySequence.StandardKey.FindNext):
            return self.find_again(backwards=False)
        if event.matches(QKeySequence.StandardKey.FindPrevious):
            return self.find_again(backwards=True)
        return False

    def jump_to_first_error(self) -> bool:
        return self.jump_to_line(is_error_line)

    def jump_to_line(self, accept: Callable[[str], bool]) -> bool:
        """Highlight the first line that ``accept``s and scroll to it; False when none does."""
        self._host.flush()
        document = self._document
        number = first_line_with(self._text_of, document.first_line, document.end_line, accept)
        if number < 0:
            return False
        self.current = Match(number, 0, len(self._text_of(number)))
        self._host.reveal(number)
        self._host.refresh()
        return True

    def current_match(self) -> tuple[str, int, int] | None:
        """The highlighted match (line text, start, end), from find() or a jump."""
        if self.current is None:
            return None
        return self._text_of(self.current.line), self.current.start, self.current.end

    def forget_match(self) -> None:
        """The lines were replaced: the highlighted match points nowhere now."""
        self.current = None

    # -- the bar -------------------------------------------------------------------------

    def open_bar(self, prefill: str | None) -> None:
        self.bar.open_bar(prefill)

    def close_bar(self) -> bool:
        """Close the bar when it is open (Esc); False when there was none to close."""
        if not self.bar.isVisible():
            return False
        self.bar.close_bar()
        return True

    def place_bar(self, viewport: QRect) -> None:
        """Float the bar over the top right corner of the viewport."""
        bar = self.bar
        bar.adjustSize()
        width = min(bar.sizeHint().width(), viewport.width())
        bar.setGeometry(viewport.right() - width - 8, viewport.top() + 6, width,
                        bar.sizeHint().height())

    def _find_from_bar(self, pattern: str, regex: bool, backwards: bool) -> None:
        found = self.find(pattern, regex=regex, backwards=backwards)
        invalid = bool(pattern) and make_query(pattern, regex=regex) is None
        self.bar.show_result(found=found, invalid=invalid)

    def _on_bar_closed(self) -> None:
        self.query = None
        self.current = None
        self._host.search_closed()

    # -- painting --------------------------------------------------------------------------

    def bands(self, number: int, line: StyledLine) -> list[Band]:
        """The highlights of line ``number``: every match, and the current one on top."""
        bands: list[Band] = []
        if self.query is not None:
            colour = QColor(self._colours.match)
            for start, end in matches_in(self.query, line.text):
                bands.append(Band(line.column(start), line.column(end), colour))
        current = self.current
        if current is not None and current.line == number:
            end = max(line.column(current.end), line.column(current.start) + 1)
            bands.append(Band(line.column(current.start), end,
                              QColor(self._colours.current_match)))
        return bands

    # -- internals -------------------------------------------------------------------------

    def _text_of(self, number: int) -> str:
        return self._document.line(number).text

    def _origin(self, query: Query, backwards: bool) -> tuple[int, int]:
        """Where a search starts: after the current match of the same query, else on screen."""
        same = self.query is not None and (self.query.pattern, self.query.regex) == (
            query.pattern, query.regex)
        if same and self.current is not None:
            return self.current.line, self.current.start
        top, end = self._host.shown_lines()
        return (end, 0) if backwards else (top, -1)

    def _set_query(self, query: Query | None) -> None:
        if query != self.query:
            self.current = None
        self.query = query
