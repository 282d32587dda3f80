"""Painting StyledLines on a cell grid with QPainter."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from pyte.screens import wcwidth

from .palette import TerminalPalette
from .styled_line import Span, Style, StyledLine

_BLOCKS = re.compile("[\u2580-\u259f]+")
_BLOCKS_OR_TEXT = re.compile("[\u2580-\u259f]+|[^\u2580-\u259f]+")
# A character with the combining marks that follow it: drawn together on one cell.
_CLUSTER = re.compile(
    r".[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.S
)
_SHADES = {0x2591: 0.25, 0x2592: 0.5, 0x2593: 0.75}
# Quadrants U+2596..U+259F as (upper left, upper right, lower left, lower right).
_QUADRANTS = {
    0x2596: (0, 0, 1, 0),
    0x2597: (0, 0, 0, 1),
    0x2598: (1, 0, 0, 0),
    0x2599: (1, 0, 1, 1),
    0x259A: (1, 0, 0, 1),
    0x259B: (1, 1, 1, 0),
    0x259C: (1, 1, 0, 1),
    0x259D: (0, 1, 0, 0),
    0x259E: (0, 1, 1, 0),
    0x259F: (0, 1, 1, 1),
}


def _block_parts(code: int) -> list[tuple[float, float, float, float]]:
    """The filled parts of a block element, as fractions (left, top, right, bottom)."""
    if code == 0x2580:
        return [(0, 0, 1, 0.5)]
    if 0x2581 <= code <= 0x2588:
        return [(0, 1 - (code - 0x2580) / 8, 1, 1)]
    if 0x2589 <= code <= 0x258F:
        return [(0, 0, (0x2590 - code) / 8, 1)]
    if code == 0x2590:
        return [(0.5, 0, 1, 1)]
    if code == 0x2594:
        return [(0, 0, 1, 1 / 8)]
    if code == 0x2595:
        return [(7 / 8, 0, 1, 1)]
    quadrants = _QUADRANTS.get(code, (0, 0, 0, 0))
    boxes = ((0, 0, 0.5, 0.5), (0.5, 0, 1, 0.5), (0, 0.5, 0.5, 1), (0.5, 0.5, 1, 1))
    return [box for box, filled in zip(boxes, quadrants, strict=True) if filled]


@dataclass(frozen=True, slots=True)
class Band:
    """A highlighted run of cells painted under the text (selection, search hit, cursor)."""

    start: int
    end: int
    colour: QColor


@dataclass(frozen=True, slots=True)
class _Look:
    foreground: QColor
    background: QColor | None
    font: QFont


class LinePainter:
    """Knows the cell size of a monospace font and how each cell style looks."""

    def __init__(self, font: QFont, palette: TerminalPalette) -> None:
        self.palette = palette
        self.background = QColor(palette.background)
        self.set_font(font)

    def set_font(self, font: QFont) -> None:
        self.font = QFont(font)
        metrics = self._metrics = QFontMetricsF(self.font)
        self._fits: dict[str, bool] = {}
        self.cell_width = metrics.horizontalAdvance("M")
        self.line_height = float(math.ceil(metrics.height()))
        self.ascent = metrics.ascent()
        self._looks: dict[Style, _Look] = {}
        self._fonts: dict[tuple[bool, bool, bool, bool], QFont] = {}

    def paint(self, painter: QPainter, line: StyledLine, top: float, bands: list[Band]) -> None:
        for span in line.spans:
            look = self._look(span.style)
            if look.background is not None:
                painter.fillRect(self._cells(span.start, span.end, top), look.background)
        for band in bands:
            painter.fillRect(self._cells(band.start, band.end, top), band.colour)
        baseline = top + self.ascent
        for span in line.spans:
            if not span.text.strip(" "):
                continue
            look = self._look(span.style)
            painter.setPen(look.foreground)
            painter.setFont(look.font)
            self._draw_text(painter, span, baseline)

    def _draw_text(self, painter: QPainter, span: Span, baseline: float) -> None:
        x = span.start * self.cell_width
        one_per_cell = len(span.text) == span.end - span.start
        if one_per_cell and _BLOCKS.search(span.text):
            self._draw_with_blocks(painter, span, baseline)
            return
        if one_per_cell and self._on_grid(span.text):
            painter.drawText(QPointF(x, baseline), span.text)
            return
        # Wide characters, or glyphs from a fallback font with another advance: place
        # each on its own cell, whatever the font says.
        column = span.start
        for cluster in _CLUSTER.findall(span.text):
            painter.drawText(QPointF(column * self.cell_width, baseline), cluster)
            column += max(wcwidth(cluster[0]), 1)

    def _draw_with_blocks(self, painter: QPainter, span: Span, baseline: float) -> None:
        """Block elements as filled rectangles: progress bars without seams between cells."""
        colour = painter.pen().color()
        top = baseline - self.ascent
        for piece in _BLOCKS_OR_TEXT.finditer(span.text):
            column = span.start + piece.start()
            if _BLOCKS.match(piece.group()):
                for offset, char in enumerate(piece.group()):
                    self._fill_block(painter, char, column + offset, top, colour)
            else:
                painter.drawText(QPointF(column * self.cell_width, baseline), piece.group())

    def _fill_block(
        self, painter: QPainter, char: str, column: int, top: float, colour: QColor
    ) -> None:
        code = ord(char)
        width, height = self.cell_width, self.line_height
        x = column * width
        if code in _SHADES:
            shaded = QColor(colour)
            shaded.setAlphaF(_SHADES[code])
            painter.fillRect(QRectF(x, top, width, height), shaded)
            return
        for left, upper, right, lower in _block_parts(code):
            rect = QRectF(
                x + left * width,
                top + upper * height,
                (right - left) * width,
                (lower - upper) * height,
            )
            painter.fillRect(rect, colour)

    def _on_grid(self, text: str) -> bool:
        """Whether the font advances every character of ``text`` by exactly one cell."""
        if text.isascii():
            return True
        fits = self._fits
        for char in set(text):
            ok = fits.get(char)
            if ok is None:
                advance = self._metrics.horizontalAdvance(char)
                ok = fits[char] = abs(advance - self.cell_width) < 0.01
            if not ok:
                return False
        return True

    def _cells(self, start: int, end: int, top: float) -> QRectF:
        x = start * self.cell_width
        return QRectF(x, top, (end - start) * self.cell_width, self.line_height)

    def _look(self, style: Style) -> _Look:
        look = self._looks.get(style)
        if look is None:
            look = self._looks[style] = self._make_look(style)
        return look

    def _make_look(self, style: Style) -> _Look:
        fg, bg, bold, italics, underscore, strikethrough, reverse, _blink = style
        foreground = self.palette.colour(fg)
        background = self.palette.colour(bg, background=True)
        if reverse:
            foreground, background = background, foreground
        fill = None if background == self.palette.background and not reverse else background
        font = self._font(bold, italics, underscore, strikethrough)
        return _Look(QColor(foreground), None if fill is None else QColor(fill), font)

    def _font(self, bold: bool, italic: bool, underline: bool, strike: bool) -> QFont:
        key = (bold, italic, underline, strike)
        font = self._fonts.get(key)
        if font is None:
            font = QFont(self.font)
            font.setBold(bold)
            font.setItalic(italic)
            font.setUnderline(underline)
            font.setStrikeOut(strike)
            self._fonts[key] = font
        return font
