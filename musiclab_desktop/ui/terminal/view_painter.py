"""Painting a terminal view: its rows with their highlights, and messages over them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter

from .document import TerminalDocument
from .finder import TerminalFinder
from .line_painter import Band, LinePainter
from .palette import TerminalPalette
from .selector import TerminalSelector
from .styled_line import StyledLine

LOADING_TEXT = "Loading log…"
_POINT_SIZE = 10


def monospace_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFixedPitch(True)
    if font.pointSize() < _POINT_SIZE:
        font.setPointSize(_POINT_SIZE)
    return font


@dataclass(frozen=True)
class Frame:
    """What one paint of the viewport shows."""

    top: int  # the absolute line at the top of the viewport
    area: QRect  # the viewport's rectangle
    font: QFont  # for messages; the rows use the monospace font
    cursor: tuple[int, int] | None  # screen row and column, None when hidden
    focused: bool
    loading: bool
    placeholder: str | None


class ViewPainter:
    """Draws rows from the document with search, selection and cursor highlights."""

    def __init__(self, lines: LinePainter, document: TerminalDocument, finder: TerminalFinder,
                 selector: TerminalSelector, colours: TerminalPalette) -> None:
        self._lines = lines
        self._document = document
        self._finder = finder
        self._selector = selector
        self._colours = colours

    def paint(self, painter: QPainter, rect: QRect, frame: Frame) -> None:
        painter.fillRect(rect, self._lines.background)
        if not self._document.log:
            self._paint_message(painter, frame, LOADING_TEXT if frame.loading
                                else frame.placeholder)
            if not frame.loading and not frame.placeholder:
                self._paint_rows(painter, rect, frame)  # an empty live terminal: the cursor
            return
        self._paint_rows(painter, rect, frame)
        if frame.loading:
            self._paint_badge(painter, frame, LOADING_TEXT)

    def _paint_rows(self, painter: QPainter, rect: QRect, frame: Frame) -> None:
        height = self._lines.line_height
        end = self._document.end_line
        for row in range(max(0, int(rect.top() // height)), int(rect.bottom() // height) + 1):
            number = frame.top + row
            if number >= end:
                break
            line = self._document.line(number)
            self._lines.paint(painter, line, row * height, self._bands(number, line, frame))

    def _bands(self, number: int, line: StyledLine, frame: Frame) -> list[Band]:
        """Highlights under the text, in painting order: matches, selection, cursor."""
        bands = self._finder.bands(number, line)
        selected = self._selector.band(number)
        if selected is not None:
            bands.append(selected)
        cursor = frame.cursor
        if cursor is not None and number == self._document.screen_line + cursor[0]:
            colour = QColor(self._colours.cursor)
            colour.setAlpha(200 if frame.focused else 90)
            bands.append(Band(cursor[1], cursor[1] + 1, colour))
        return bands

    def _paint_message(self, painter: QPainter, frame: Frame, message: str | None) -> None:
        if not message:
            return
        painter.setPen(QColor(self._colours.placeholder))
        painter.setFont(frame.font)
        painter.drawText(frame.area, Qt.AlignmentFlag.AlignCenter, message)

    def _paint_badge(self, painter: QPainter, frame: Frame, message: str) -> None:
        painter.setFont(frame.font)
        metrics = painter.fontMetrics()
        width, height = metrics.horizontalAdvance(message) + 16, metrics.height() + 8
        box = QRect(frame.area.width() - width - 8, 8, width, height)
        painter.fillRect(box, QColor(self._colours.selection))
        painter.setPen(QColor(self._colours.foreground))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, message)
