"""A screen row frozen into text and style runs: what painting, search and copy read.

Qt-free. A pyte row is a dict of about eighty cells; a scrollback line converted to a
StyledLine takes a few hundred bytes and paints as a handful of runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pyte.screens import Char

# (fg, bg, bold, italics, underscore, strikethrough, reverse, blink): a Char without its data.
Style = tuple[str, str, bool, bool, bool, bool, bool, bool]


@dataclass(frozen=True, slots=True)
class Span:
    """Cells [start, end) that share one style."""

    start: int
    end: int
    text: str
    style: Style


@dataclass(frozen=True, slots=True)
class StyledLine:
    """One terminal row: its text (trailing blanks stripped) and the runs worth painting.

    ``cell_of`` maps each index of ``text`` to its cell when the two differ (wide or
    combining characters); ``None`` means index and cell are the same.
    """

    text: str
    spans: tuple[Span, ...]
    cell_of: tuple[int, ...] | None = None

    def column(self, index: int) -> int:
        """The cell of text index ``index`` (the end of the text maps past its last cell)."""
        if self.cell_of is None:
            return index
        if index < len(self.cell_of):
            return self.cell_of[index]
        return (self.cell_of[-1] + 1 if self.cell_of else 0) + index - len(self.cell_of)

    def index(self, column: int) -> int:
        """The text index of the first character at or right of cell ``column``."""
        if self.cell_of is None:
            return column
        for index, cell in enumerate(self.cell_of):
            if cell >= column:
                return index
        return len(self.text) + max(0, column - self.column(len(self.text)))


EMPTY_LINE = StyledLine("", ())


def _invisible(text: str, style: Style) -> bool:
    _fg, bg, _bold, _italics, underscore, strikethrough, reverse, _blink = style
    return (
        not text.strip(" ")
        and bg == "default"
        and not reverse
        and not underscore
        and not strikethrough
    )


def style_line(cells: Mapping[int, Char], columns: int) -> StyledLine:
    """Freeze one pyte row (a sparse dict of cells) into a StyledLine."""
    if not cells:
        return EMPTY_LINE
    width = min(max(cells) + 1, columns)
    row = [cells[x] for x in range(width)]  # pyte's row dict answers its default for gaps
    spans: list[Span] = []
    start = 0
    style = row[0][1:]
    for x in range(1, width):
        current = row[x][1:]
        if current != style:
            _add_span(spans, row, start, x, style)
            start, style = x, current
    _add_span(spans, row, start, width, style)
    text, cell_of = _text_of(row)
    return StyledLine(text, tuple(spans), cell_of)


def _add_span(spans: list[Span], row: list[Char], start: int, end: int, style: Style) -> None:
    text = "".join(cell.data for cell in row[start:end])
    if not _invisible(text, style):
        spans.append(Span(start, end, text, style))


def _text_of(row: list[Char]) -> tuple[str, tuple[int, ...] | None]:
    datas = [cell.data for cell in row]
    text = "".join(datas)
    stripped = text.rstrip(" ")
    if len(text) == len(row) and "" not in datas:
        return stripped, None
    cell_of: list[int] = []
    for x, data in enumerate(datas):
        cell_of.extend([x] * len(data))
    return stripped, tuple(cell_of[: len(stripped)])
