"""TerminalView: a run's terminal output, painted from a pyte screen with scrollback.

Live bytes are queued and replayed a few milliseconds per event-loop turn; painting is
coalesced to one frame per ~33 ms and repaints only the rows that changed. A stored log
shows its last screen at once and fills the scrollback in the background (see
TerminalDocument). Scrolling up pauses following the tail; scrolling back to the bottom
resumes it.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QClipboard,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QMenu, QWidget
from pyte.screens import Char

from .document import TerminalDocument
from .emulator import DEFAULT_SCROLLBACK
from .line_painter import Band, LinePainter
from .palette import TerminalPalette
from .search import Match, Query, find_match, first_line_with, is_error_line, make_query, matches_in
from .search_bar import TerminalSearchBar
from .selection import Selection, selected_text, word_at
from .styled_line import StyledLine

FRAME_MS = 33  # ~30 frames a second: smooth progress bars, little CPU
WORK_BUDGET_S = 0.012  # replay per event-loop turn, so input and painting stay responsive
RESIZE_SETTLE_MS = 80  # re-render once a splitter drag pauses, not on every pixel
COMPACT_DELAY_MS = 400
COMPACT_BUDGET_S = 0.008
LOADING_TEXT = "Loading log…"
_POINT_SIZE = 10


def _single_shot(parent: QWidget, interval: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval)
    timer.timeout.connect(slot)
    return timer


def monospace_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFixedPitch(True)
    if font.pointSize() < _POINT_SIZE:
        font.setPointSize(_POINT_SIZE)
    return font


class TerminalView(QAbstractScrollArea):
    """A read-only terminal: feed it bytes, or load a stored log."""

    historyLoaded = Signal()  # a stored log's last screen is shown
    historyFilled = Signal()  # ...and its scrollback is complete
    followTailChanged = Signal(bool)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        scrollback_lines: int = DEFAULT_SCROLLBACK,
        palette: TerminalPalette | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("terminalView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self._colours = palette or TerminalPalette()
        self._paint_background()
        self._lines = LinePainter(monospace_font(), self._colours)
        self._document = TerminalDocument(scrollback=scrollback_lines)
        self._fixed_columns: int | None = None
        self._fixed_lines: int | None = None
        self._follow = True
        self._top = 0
        self._from_bottom = 0
        self._placeholder: str | None = None
        self._loading = False
        self._live = True
        self._query: Query | None = None
        self._current: Match | None = None
        self._selection: Selection | None = None
        self._selecting = False
        self._scrolling_by_code = False
        self._last_frame = 0.0
        self._cursor_cell: tuple[int, int] | None = None
        self._work_timer = _single_shot(self, 0, self._on_work)
        self._frame_timer = _single_shot(self, FRAME_MS, self._on_frame)
        self._resize_timer = _single_shot(self, RESIZE_SETTLE_MS, self._apply_size)
        self._compact_timer = _single_shot(self, COMPACT_DELAY_MS, self._on_compact)
        bar = self.verticalScrollBar()
        bar.setSingleStep(1)
        bar.valueChanged.connect(self._on_scrolled)
        self._search_bar = TerminalSearchBar(self)
        self._search_bar.hide()
        self._search_bar.findRequested.connect(self._find_from_bar)
        self._search_bar.closed.connect(self._on_search_closed)

    def _paint_background(self) -> None:
        colours = QPalette(self.viewport().palette())
        colours.setColor(QPalette.ColorRole.Base, QColor(self._colours.background))
        colours.setColor(QPalette.ColorRole.Window, QColor(self._colours.background))
        self.viewport().setPalette(colours)

    # -- content -------------------------------------------------------------------------

    def clear(self) -> None:
        """Empty the terminal (the placeholder shows again, if one is set)."""
        self._document.clear()
        self._reset_view_state()
        self._live = True
        self._schedule_frame()
        self.viewport().update()

    def feed(self, data: bytes) -> None:
        """Show live bytes as the process wrote them (throttled, never blocking)."""
        if not data:
            return
        was_empty = not self._document.log
        self._document.append(data)
        self._request_work()
        if was_empty:
            self.viewport().update()

    def load_history(self, data: bytes, *, live: bool) -> None:
        """Replace the content with a stored log: its last screen shows at once.

        Emits historyLoaded when the last screen is shown and historyFilled when the
        scrollback behind it is complete. ``live``: the run still writes (the cursor shows
        and feed() continues the log).
        """
        self._live = live
        self._reset_view_state()
        self._document.clear()
        self._apply_size()  # cheap while empty: the tail renders at the final size
        self._document.load(data)
        self._loading = False
        self._on_frame()
        self.viewport().update()
        self.historyLoaded.emit()
        if self._document.backfilling or self._document.has_live_work():
            self._request_work()
        if not self._document.backfilling:
            self.historyFilled.emit()

    def set_loading(self, loading: bool) -> None:
        """Show (or stop showing) the loading indicator, e.g. while a log is read."""
        self._loading = loading
        self.viewport().update()

    def set_placeholder(self, text: str | None) -> None:
        """A centred message for when nothing is shown, e.g. "Select a run to view logs"."""
        self._placeholder = text
        self.viewport().update()

    def set_live(self, live: bool) -> None:
        """Whether the run still writes: a live terminal shows its cursor."""
        self._live = live
        self.viewport().update()

    def set_terminal_size(self, columns: int | None, lines: int | None) -> None:
        """Fix the emulated size (None: follow the widget), e.g. to match a recorded width."""
        self._fixed_columns, self._fixed_lines = columns, lines
        self._apply_size()

    def terminal_size(self) -> tuple[int, int]:
        return self._document.columns, self._document.lines

    def set_scrollback_lines(self, lines: int) -> None:
        self._document.scrollback = lines
        self._document.rebuild()
        self._request_work()

    def set_resync_after(self, seconds: float | None) -> None:
        """A live backlog longer than this (in seconds of replay) restarts from the tail."""
        self._document.resync_after_s = seconds

    def is_busy(self) -> bool:
        """Bytes received but not yet shown, or a scrollback still filling."""
        return self._document.has_live_work() or self._document.backfilling

    # -- reading -------------------------------------------------------------------------

    def plain_text(self) -> str:
        """Scrollback and screen as a terminal shows them, trailing spaces stripped."""
        self._flush()
        return self._document.plain_text()

    def screen_lines(self) -> list[str]:
        """The visible screen rows (trailing spaces stripped)."""
        self._flush(live_only=True)
        return self._document.screen_lines()

    def cell(self, row: int, column: int) -> Char:
        """The screen cell at ``row``, ``column``: character and attributes."""
        self._flush(live_only=True)
        return self._document.screen.buffer[row][column]

    def visible_lines(self) -> list[str]:
        """The rows the viewport shows now, scroll position included."""
        document = self._document
        end = min(self._top + self._page_rows(), document.end_line)
        return document.texts(self._top, end)

    def current_match(self) -> tuple[str, int, int] | None:
        """The highlighted match (line text, start, end), from find() or a jump."""
        if self._current is None:
            return None
        return self._text_of(self._current.line), self._current.start, self._current.end

    def is_loading(self) -> bool:
        return self._loading

    def placeholder(self) -> str | None:
        return self._placeholder

    def raw_bytes(self) -> bytes:
        return bytes(self._document.log)

    def selected_text(self) -> str:
        if self._selection is None or self._selection.empty:
            return ""
        return selected_text(self._selection, self._document.line, self._document.columns)

    # -- actions -------------------------------------------------------------------------

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())

    def copy_selection(self) -> bool:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)
        return bool(text)

    def select_all(self) -> None:
        self._flush()
        document = self._document
        self._selection = Selection((document.first_line, 0), (document.end_line, 0))
        self.viewport().update()

    def save_log(self, path: str | os.PathLike[str], raw: bool) -> None:
        """Write the raw bytes as received, or the plain text the terminal shows."""
        target = Path(path)
        if raw:
            target.write_bytes(self.raw_bytes())
        else:
            target.write_text(self.plain_text(), encoding="utf-8")

    def find(
        self,
        pattern: str,
        regex: bool = False,
        backwards: bool = False,
        case_sensitive: bool = False,
    ) -> bool:
        """Go to the next (or previous) match, highlighting all; False when there is none."""
        query = make_query(pattern, regex=regex, case_sensitive=case_sensitive)
        if query is None:
            self._set_query(None)
            return False
        self._flush()
        document = self._document
        origin = self._search_origin(query, backwards)
        self._set_query(query)
        found = find_match(
            query,
            self._text_of,
            document.first_line,
            document.end_line,
            origin,
            backwards=backwards,
        )
        self._current = found
        if found is not None:
            self._reveal(found.line)
        self.viewport().update()
        return found is not None

    def show_search(self) -> None:
        """Open the Ctrl+F bar over the terminal."""
        self._place_search_bar()
        self._search_bar.open_bar(self.selected_text().split("\n")[0] or None)

    def jump_to_first_error(self) -> bool:
        """Scroll to the first traceback or error line and highlight it."""
        return self._jump_to_line(is_error_line)

    def scroll_to_text(self, text: str) -> bool:
        """Scroll so the first line containing ``text`` is visible, and highlight it."""
        return bool(text) and self._jump_to_line(lambda line: text in line)

    def scroll_to_pattern(self, pattern: re.Pattern[str]) -> bool:
        """Like :meth:`scroll_to_text`, for the first line that ``pattern`` matches."""
        return self._jump_to_line(lambda line: pattern.search(line) is not None)

    def scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._set_follow(True)

    def is_following(self) -> bool:
        return self._follow

    # -- internals: work and frames ------------------------------------------------------

    def _reset_view_state(self) -> None:
        self._selection = None
        self._current = None
        self._set_follow(True)

    def _request_work(self) -> None:
        if not self._work_timer.isActive():
            self._work_timer.start()

    def _on_work(self) -> None:
        document = self._document
        deadline = time.perf_counter() + WORK_BUDGET_S
        more = document.pump(WORK_BUDGET_S)
        if not more and document.backfilling:
            remaining = deadline - time.perf_counter()
            if remaining > 0.001 and document.backfill_step(remaining):
                self.historyFilled.emit()
            more = document.backfilling
        self._schedule_frame()
        if more:
            self._work_timer.start()
        else:
            self._compact_timer.start()

    def _flush(self, *, live_only: bool = False) -> None:
        document = self._document
        if live_only or not document.backfilling:
            document.pump(None)
        elif document.flush():
            self.historyFilled.emit()
        self._on_frame()

    def _on_compact(self) -> None:
        if self._work_timer.isActive():
            return
        if not self._document.compact_history(COMPACT_BUDGET_S):
            self._compact_timer.start()

    def _schedule_frame(self) -> None:
        if self._frame_timer.isActive():
            return
        since = (time.perf_counter() - self._last_frame) * 1000
        self._frame_timer.start(max(0, int(FRAME_MS - since)))

    def _on_frame(self) -> None:
        self._frame_timer.stop()
        self._last_frame = time.perf_counter()
        changes = self._document.take_changes()
        if changes.replaced:
            self._selection = None
            self._current = None
            self._top = self._document.end_line - self._from_bottom
        top = self._top
        self._sync_scrollbar()
        cursor = self._cursor_row_and_column()
        if changes.everything or changes.replaced or top != self._top:
            self.viewport().update()
        else:
            rows = {self._document.screen_line + row - self._top for row in changes.rows}
            if cursor != self._cursor_cell:
                rows.update(self._view_row(cell) for cell in (cursor, self._cursor_cell) if cell)
            self._update_rows(rows)
        self._cursor_cell = cursor

    def _view_row(self, cell: tuple[int, int]) -> int:
        return self._document.screen_line + cell[0] - self._top

    def _update_rows(self, rows: set[int]) -> None:
        height = self._lines.line_height
        width = self.viewport().width()
        visible = self._visible_rows()
        for row in rows:
            if 0 <= row < visible:
                self.viewport().update(QRect(0, int(row * height), width, math.ceil(height) + 1))

    def _cursor_row_and_column(self) -> tuple[int, int] | None:
        row, column, visible = self._document.cursor()
        return (row, column) if visible and self._live else None

    # -- internals: geometry and scrolling ----------------------------------------------

    def _page_rows(self) -> int:
        return max(1, int(self.viewport().height() // self._lines.line_height))

    def _visible_rows(self) -> int:
        return math.ceil(self.viewport().height() / self._lines.line_height) + 1

    def _target_size(self) -> tuple[int, int]:
        if self._collapsed():  # hidden, or folded away by a splitter: keep the last size
            columns, lines = self.terminal_size()
        else:
            columns = int(self.viewport().width() // self._lines.cell_width)
            lines = self._page_rows()
        return self._fixed_columns or columns, self._fixed_lines or lines

    def _apply_size(self) -> None:
        self._resize_timer.stop()
        columns, lines = self._target_size()
        if self._document.resize(columns, lines):
            self._request_work()
            self._schedule_frame()

    def _sync_scrollbar(self) -> None:
        document = self._document
        first, end = document.first_line, document.end_line
        page = self._page_rows()
        maximum = max(0, end - first - page)
        if self._follow:
            self._top = first + maximum
        else:
            self._top = min(max(self._top, first), first + maximum)
        self._from_bottom = end - self._top
        bar = self.verticalScrollBar()
        self._scrolling_by_code = True
        try:
            bar.setRange(0, maximum)
            bar.setPageStep(page)
            bar.setValue(self._top - first)
        finally:
            self._scrolling_by_code = False

    def _on_scrolled(self, value: int) -> None:
        if self._scrolling_by_code:
            return
        document = self._document
        self._top = document.first_line + value
        self._from_bottom = document.end_line - self._top
        self._set_follow(value >= self.verticalScrollBar().maximum())
        self.viewport().update()

    def _set_follow(self, follow: bool) -> None:
        if follow != self._follow:
            self._follow = follow
            self.followTailChanged.emit(follow)

    def _reveal(self, line: int) -> None:
        """Scroll so ``line`` is visible, a third from the top when it has to move."""
        page = self._page_rows()
        if self._top <= line < self._top + page:
            return
        bar = self.verticalScrollBar()
        bar.setValue(max(0, min(bar.maximum(), line - self._document.first_line - page // 3)))

    def _scroll_by(self, rows: int) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rows)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_search_bar()
        if self._target_size() != self.terminal_size():
            if self._document.log:
                self._resize_timer.start()
            else:
                self._apply_size()
        self._sync_scrollbar()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._target_size() != self.terminal_size():
            self._apply_size()  # sized while hidden: render at the size now visible

    def _collapsed(self) -> bool:
        viewport = self.viewport()
        return (
            not self.isVisible()
            or viewport.width() < 2 * self._lines.cell_width
            or viewport.height() < self._lines.line_height
        )

    def _place_search_bar(self) -> None:
        bar = self._search_bar
        bar.adjustSize()
        viewport = self.viewport().geometry()
        width = min(bar.sizeHint().width(), viewport.width())
        bar.setGeometry(
            viewport.right() - width - 8, viewport.top() + 6, width, bar.sizeHint().height()
        )

    # -- internals: search ---------------------------------------------------------------

    def _text_of(self, number: int) -> str:
        return self._document.line(number).text

    def _search_origin(self, query: Query, backwards: bool) -> tuple[int, int]:
        same = self._query is not None and (self._query.pattern, self._query.regex) == (
            query.pattern,
            query.regex,
        )
        if same and self._current is not None:
            return self._current.line, self._current.start
        if backwards:
            return self._top + self._page_rows(), 0
        return self._top, -1

    def _set_query(self, query: Query | None) -> None:
        if query != self._query:
            self._current = None
        self._query = query

    def _find_from_bar(self, pattern: str, regex: bool, backwards: bool) -> None:
        found = self.find(pattern, regex=regex, backwards=backwards)
        invalid = bool(pattern) and make_query(pattern, regex=regex) is None
        self._search_bar.show_result(found=found, invalid=invalid)

    def _on_search_closed(self) -> None:
        self._query = None
        self._current = None
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.viewport().update()

    def _jump_to_line(self, accept: Callable[[str], bool]) -> bool:
        self._flush()
        document = self._document
        number = first_line_with(self._text_of, document.first_line, document.end_line, accept)
        if number < 0:
            return False
        self._current = Match(number, 0, len(self._text_of(number)))
        self._reveal(number)
        self.viewport().update()
        return True

    # -- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        rect = event.rect()
        painter.fillRect(rect, self._lines.background)
        document = self._document
        if not document.log:
            self._paint_message(painter, LOADING_TEXT if self._loading else self._placeholder)
            if not self._loading and not self._placeholder:
                self._paint_rows(painter, rect)  # an empty live terminal: just the cursor
            return
        self._paint_rows(painter, rect)
        if self._loading:
            self._paint_badge(painter, LOADING_TEXT)

    def _paint_rows(self, painter: QPainter, rect: QRect) -> None:
        height = self._lines.line_height
        end = self._document.end_line
        for row in range(max(0, int(rect.top() // height)), int(rect.bottom() // height) + 1):
            number = self._top + row
            if number >= end:
                break
            line = self._document.line(number)
            self._lines.paint(painter, line, row * height, self._bands(number, line))

    def _bands(self, number: int, line: StyledLine) -> list[Band]:
        colours = self._colours
        bands: list[Band] = []
        if self._query is not None:
            colour = QColor(colours.match)
            for start, end in matches_in(self._query, line.text):
                bands.append(Band(line.column(start), line.column(end), colour))
        current = self._current
        if current is not None and current.line == number:
            end = max(line.column(current.end), line.column(current.start) + 1)
            bands.append(Band(line.column(current.start), end, QColor(colours.current_match)))
        if self._selection is not None:
            columns = self._selection.columns_on(number, self._document.columns)
            if columns is not None:
                bands.append(Band(columns[0], columns[1], QColor(colours.selection)))
        cursor = self._cursor_row_and_column()
        if cursor is not None and number == self._document.screen_line + cursor[0]:
            colour = QColor(colours.cursor)
            colour.setAlpha(200 if self.hasFocus() else 90)
            bands.append(Band(cursor[1], cursor[1] + 1, colour))
        return bands

    def _paint_message(self, painter: QPainter, message: str | None) -> None:
        if not message:
            return
        painter.setPen(QColor(self._colours.placeholder))
        painter.setFont(self.font())
        painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, message)

    def _paint_badge(self, painter: QPainter, message: str) -> None:
        painter.setFont(self.font())
        metrics = painter.fontMetrics()
        width, height = metrics.horizontalAdvance(message) + 16, metrics.height() + 8
        box = QRect(self.viewport().width() - width - 8, 8, width, height)
        painter.fillRect(box, QColor(self._colours.selection))
        painter.setPen(QColor(self._colours.foreground))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, message)

    # -- input ---------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._shortcut(event) or self._scroll_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def _shortcut(self, event: QKeyEvent) -> bool:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.Find):
            self.show_search()
        elif event.matches(QKeySequence.StandardKey.FindNext) and self._query is not None:
            self.find(self._query.pattern, self._query.regex)
        elif event.matches(QKeySequence.StandardKey.FindPrevious) and self._query is not None:
            self.find(self._query.pattern, self._query.regex, backwards=True)
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
        elif event.key() == Qt.Key.Key_Escape and self._search_bar.isVisible():
            self._search_bar.close_bar()
        elif event.key() == Qt.Key.Key_Escape and self._selection is not None:
            self._selection = None
            self.viewport().update()
        else:
            return False
        return True

    def _scroll_key(self, event: QKeyEvent) -> bool:
        page = max(1, self._page_rows() - 1)
        bar = self.verticalScrollBar()
        key = event.key()
        if key == Qt.Key.Key_PageUp:
            self._scroll_by(-page)
        elif key == Qt.Key.Key_PageDown:
            self._scroll_by(page)
        elif key == Qt.Key.Key_Up:
            self._scroll_by(-1)
        elif key == Qt.Key.Key_Down:
            self._scroll_by(1)
        elif key == Qt.Key.Key_Home:
            bar.setValue(0)
        elif key == Qt.Key.Key_End:
            self.scroll_to_bottom()
        else:
            return False
        return True

    def _cell_at(self, position: QPointF) -> tuple[int, int]:
        document = self._document
        row = math.floor(position.y() / self._lines.line_height)
        number = min(max(self._top + row, document.first_line), document.end_line - 1)
        column = round(position.x() / self._lines.cell_width)
        return number, min(max(column, 0), document.columns)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        cell = self._cell_at(event.position())
        extend = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if extend and self._selection is not None:
            self._selection.caret = cell
        else:
            self._selection = Selection(cell, cell)
        self._selecting = True
        self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._selecting or self._selection is None:
            super().mouseMoveEvent(event)
            return
        y = event.position().y()
        if y < 0:
            self._scroll_by(-1)
        elif y > self.viewport().height():
            self._scroll_by(1)
        self._selection.caret = self._cell_at(event.position())
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._selecting:
            self._selecting = False
            text = self.selected_text()
            clipboard = QGuiApplication.clipboard()
            if text and clipboard.supportsSelection():
                clipboard.setText(text, QClipboard.Mode.Selection)
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        number, column = self._cell_at(event.position())
        start, end = word_at(self._document.line(number), column)
        self._selection = Selection((number, start), (number, end))
        self._selecting = False
        self.viewport().update()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        copy = menu.addAction("Copy", self.copy_selection)
        copy.setEnabled(bool(self.selected_text()))
        menu.addAction("Copy all", self.copy_all)
        menu.addAction("Select all", self.select_all)
        menu.addSeparator()
        menu.addAction("Find…", self.show_search)
        menu.addAction("Jump to first error", self.jump_to_first_error)
        menu.exec(event.globalPos())
