"""Selecting text in a terminal view with the mouse and the keyboard, and copying it.

Press and drag select cells, Shift+click extends, a double click takes a word;
releasing puts the text on the X11 primary selection where there is one. The view
turns mouse positions into cells (:class:`SelectorHost`); the selector keeps the
selection and tells the view what to highlight through :meth:`TerminalSelector.band`.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QClipboard, QColor, QGuiApplication, QKeyEvent, QKeySequence, QMouseEvent

from .document import TerminalDocument
from .line_painter import Band
from .palette import TerminalPalette
from .selection import Cell, Selection, selected_text, word_at


class SelectorHost(Protocol):
    """What the selector needs from the view that shows the lines."""

    def flush(self) -> None:
        """Show everything received, scrollback included."""

    def cell_at(self, position: QPointF) -> Cell:
        """The (absolute line, column) under a viewport position, clamped to the lines."""

    def scroll_by(self, rows: int) -> None: ...

    def viewport_height(self) -> int: ...

    def refresh(self) -> None:
        """Paint again: the selection changed."""


def copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


class TerminalSelector:
    """The selection of one terminal view: made with the mouse, read for copying."""

    def __init__(self, host: SelectorHost, document: TerminalDocument,
                 colours: TerminalPalette) -> None:
        self._host = host
        self._document = document
        self._colours = colours
        self.selection: Selection | None = None
        self._dragging = False

    def selected_text(self) -> str:
        if self.selection is None or self.selection.empty:
            return ""
        return selected_text(self.selection, self._document.line, self._document.columns)

    def copy_selection(self) -> bool:
        text = self.selected_text()
        if text:
            copy_to_clipboard(text)
        return bool(text)

    def select_all(self) -> None:
        self._host.flush()
        document = self._document
        self.selection = Selection((document.first_line, 0), (document.end_line, 0))
        self._host.refresh()

    def forget(self) -> None:
        """The lines were replaced: the selection points nowhere now."""
        self.selection = None

    def clear(self) -> bool:
        """Drop the selection (Esc, or the lines were replaced); False when there was none."""
        if self.selection is None:
            return False
        self.selection = None
        self._host.refresh()
        return True

    def handle_key(self, event: QKeyEvent) -> bool:
        """Copy (even with nothing selected: the key is taken) and Select all."""
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
        else:
            return False
        return True

    def band(self, number: int) -> Band | None:
        """The selected cells of line ``number`` as a highlight, or None."""
        if self.selection is None:
            return None
        columns = self.selection.columns_on(number, self._document.columns)
        if columns is None:
            return None
        return Band(columns[0], columns[1], QColor(self._colours.selection))

    # -- the mouse: each returns False for events it leaves to the view ------------------

    def press(self, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        cell = self._host.cell_at(event.position())
        extend = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if extend and self.selection is not None:
            self.selection.caret = cell
        else:
            self.selection = Selection(cell, cell)
        self._dragging = True
        self._host.refresh()
        return True

    def move(self, event: QMouseEvent) -> bool:
        if not self._dragging or self.selection is None:
            return False
        y = event.position().y()
        if y < 0:  # dragging past an edge scrolls, so a selection can span pages
            self._host.scroll_by(-1)
        elif y > self._host.viewport_height():
            self._host.scroll_by(1)
        self.selection.caret = self._host.cell_at(event.position())
        self._host.refresh()
        return True

    def release(self, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton or not self._dragging:
            return False
        self._dragging = False
        text = self.selected_text()
        clipboard = QGuiApplication.clipboard()
        if text and clipboard.supportsSelection():
            clipboard.setText(text, QClipboard.Mode.Selection)
        return True

    def double_click(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        number, column = self._host.cell_at(event.position())
        start, end = word_at(self._document.line(number), column)
        self.selection = Selection((number, start), (number, end))
        self._dragging = False
        self._host.refresh()
