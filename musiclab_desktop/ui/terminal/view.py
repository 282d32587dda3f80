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
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
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
from .finder import TerminalFinder
from .line_painter import LinePainter
from .pacing import ReplayPacer, single_shot
from .palette import TerminalPalette
from .scrolling import ScrollPosition
from .selection import Cell
from .selector import TerminalSelector, copy_to_clipboard
from .view_painter import Frame, ViewPainter, monospace_font

RESIZE_SETTLE_MS = 80  # re-render once a splitter drag pauses, not on every pixel


class TerminalView(QAbstractScrollArea):
    """A read-only terminal: feed it bytes, or load a stored log.

    Search (:class:`TerminalFinder`) and selection with copying (:class:`TerminalSelector`)
    live in their own classes; the view replays, scrolls, paints and routes input.
    """

    historyLoaded = Signal()  # a stored log's last screen is shown
    historyFilled = Signal()  # ...and its scrollback is complete
    followTailChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *,
                 scrollback_lines: int = DEFAULT_SCROLLBACK,
                 palette: TerminalPalette | None = None) -> None:
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
        self._placeholder: str | None = None
        self._loading = False
        self._live = True
        self._cursor_cell: tuple[int, int] | None = None
        self._pacer = ReplayPacer(self._document, self)
        self._pacer.historyFilled.connect(self.historyFilled)
        self._pacer.frameDue.connect(self._on_frame)
        self._resize_timer = single_shot(self, RESIZE_SETTLE_MS, self._apply_size)
        self._scroll = ScrollPosition(self.verticalScrollBar(), self._document, self)
        self._scroll.followTailChanged.connect(self.followTailChanged)
        self._scroll.scrolled.connect(self.refresh)
        self._finder = TerminalFinder(self, self._document, self, self._colours)
        self._selector = TerminalSelector(self, self._document, self._colours)
        self._painter = ViewPainter(self._lines, self._document, self._finder, self._selector,
                                    self._colours)

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
        self._pacer.schedule_frame()
        self.viewport().update()

    def feed(self, data: bytes) -> None:
        """Show live bytes as the process wrote them (throttled, never blocking)."""
        if not data:
            return
        was_empty = not self._document.log
        self._document.append(data)
        self._pacer.request_work()
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
            self._pacer.request_work()
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
        top = self._scroll.top
        return document.texts(top, min(top + self._page_rows(), document.end_line))

    def current_match(self) -> tuple[str, int, int] | None:
        """The highlighted match (line text, start, end), from find_text() or a jump."""
        return self._finder.current_match()

    def is_loading(self) -> bool:
        return self._loading

    def placeholder(self) -> str | None:
        return self._placeholder

    def raw_bytes(self) -> bytes:
        return bytes(self._document.log)

    def selected_text(self) -> str:
        return self._selector.selected_text()

    # -- actions -------------------------------------------------------------------------

    def copy_all(self) -> None:
        copy_to_clipboard(self.plain_text())

    def copy_selection(self) -> bool:
        return self._selector.copy_selection()

    def select_all(self) -> None:
        self._selector.select_all()

    def save_log(self, path: str | os.PathLike[str], raw: bool) -> None:
        """Write the raw bytes as received, or the plain text the terminal shows."""
        target = Path(path)
        if raw:
            target.write_bytes(self.raw_bytes())
        else:
            target.write_text(self.plain_text(), encoding="utf-8")

    def find_text(self, pattern: str, regex: bool = False, backwards: bool = False,
                  case_sensitive: bool = False) -> bool:
        """Go to the next (or previous) match, highlighting all; False when there is none."""
        return self._finder.find(pattern, regex=regex, backwards=backwards,
                                 case_sensitive=case_sensitive)

    def show_search(self) -> None:
        """Open the Ctrl+F bar over the terminal."""
        self._finder.place_bar(self.viewport().geometry())
        self._finder.open_bar(self.selected_text().split("\n")[0] or None)

    def jump_to_first_error(self) -> bool:
        """Scroll to the first traceback or error line and highlight it."""
        return self._finder.jump_to_first_error()

    def scroll_to_text(self, text: str) -> bool:
        """Scroll so the first line containing ``text`` is visible, and highlight it."""
        return bool(text) and self._finder.jump_to_line(lambda line: text in line)

    def scroll_to_pattern(self, pattern: re.Pattern[str]) -> bool:
        """Like :meth:`scroll_to_text`, for the first line that ``pattern`` matches."""
        return self._finder.jump_to_line(lambda line: pattern.search(line) is not None)

    def scroll_to_bottom(self) -> None:
        self._scroll.scroll_to_bottom()

    def is_following(self) -> bool:
        return self._scroll.following

    # -- for the finder and the selector (FinderHost, SelectorHost) ----------------------

    def flush(self) -> None:
        self._flush()

    def reveal(self, line: int) -> None:
        self._scroll.reveal(line, self._page_rows())

    def shown_lines(self) -> tuple[int, int]:
        return self._scroll.top, self._scroll.top + self._page_rows()

    def refresh(self) -> None:
        self.viewport().update()

    def search_closed(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.viewport().update()

    def cell_at(self, position: QPointF) -> Cell:
        document = self._document
        row = math.floor(position.y() / self._lines.line_height)
        number = min(max(self._scroll.top + row, document.first_line), document.end_line - 1)
        column = round(position.x() / self._lines.cell_width)
        return number, min(max(column, 0), document.columns)

    def scroll_by(self, rows: int) -> None:
        self._scroll.scroll_by(rows)

    def viewport_height(self) -> int:
        return self.viewport().height()

    # -- internals: work and frames ------------------------------------------------------

    def _reset_view_state(self) -> None:
        self._selector.forget()
        self._finder.forget_match()
        self._scroll.set_following(True)

    def _flush(self, *, live_only: bool = False) -> None:
        self._pacer.flush(live_only=live_only)
        self._on_frame()

    def _on_frame(self) -> None:
        self._pacer.frame_started()
        changes = self._document.take_changes()
        if changes.replaced:
            self._selector.forget()
            self._finder.forget_match()
            self._scroll.keep_distance_from_end()
        top = self._scroll.top
        self._scroll.sync(self._page_rows())
        cursor = self._cursor_row_and_column()
        if changes.everything or changes.replaced or top != self._scroll.top:
            self.viewport().update()
        else:
            rows = {self._view_row((row, 0)) for row in changes.rows}
            if cursor != self._cursor_cell:
                rows.update(self._view_row(cell) for cell in (cursor, self._cursor_cell) if cell)
            self._update_rows(rows)
        self._cursor_cell = cursor

    def _view_row(self, cell: tuple[int, int]) -> int:
        return self._document.screen_line + cell[0] - self._scroll.top

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
            self._pacer.request_work()
            self._pacer.schedule_frame()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._finder.place_bar(self.viewport().geometry())
        if self._target_size() != self.terminal_size():
            if self._document.log:
                self._resize_timer.start()
            else:
                self._apply_size()
        self._scroll.sync(self._page_rows())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._target_size() != self.terminal_size():
            self._apply_size()  # sized while hidden: render at the size now visible

    def _collapsed(self) -> bool:
        viewport = self.viewport()
        return (not self.isVisible() or viewport.width() < 2 * self._lines.cell_width
                or viewport.height() < self._lines.line_height)

    # -- painting and input ---------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        frame = Frame(top=self._scroll.top, area=self.viewport().rect(), font=self.font(),
                      cursor=self._cursor_row_and_column(), focused=self.hasFocus(),
                      loading=self._loading, placeholder=self._placeholder)
        self._painter.paint(QPainter(self.viewport()), event.rect(), frame)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._shortcut(event) or self._scroll_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def _shortcut(self, event: QKeyEvent) -> bool:
        if event.matches(QKeySequence.StandardKey.Find):
            self.show_search()
            return True
        if event.key() == Qt.Key.Key_Escape:  # the bar first, then the selection
            return self._finder.close_bar() or self._selector.clear()
        return self._finder.handle_key(event) or self._selector.handle_key(event)

    def _scroll_key(self, event: QKeyEvent) -> bool:
        page = max(1, self._page_rows() - 1)
        steps = {Qt.Key.Key_PageUp: -page, Qt.Key.Key_PageDown: page,
                 Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
        key = event.key()
        if key in steps:
            self.scroll_by(steps[Qt.Key(key)])
        elif key == Qt.Key.Key_Home:
            self._scroll.scroll_to_top()
        elif key == Qt.Key.Key_End:
            self.scroll_to_bottom()
        else:
            return False
        return True

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self._selector.press(event):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._selector.move(event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._selector.release(event):
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._selector.double_click(event)

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
