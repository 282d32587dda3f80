"""A text selection on the cell grid, in absolute line numbers so it survives scrolling.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .styled_line import StyledLine

Cell = tuple[int, int]  # (absolute line, column)


@dataclass
class Selection:
    anchor: Cell
    caret: Cell

    @property
    def empty(self) -> bool:
        return self.anchor == self.caret

    def ordered(self) -> tuple[Cell, Cell]:
        return (self.anchor, self.caret) if self.anchor <= self.caret else (self.caret, self.anchor)

    def columns_on(self, line: int, width: int) -> tuple[int, int] | None:
        """Selected cells [start, end) of ``line``, whose row is ``width`` cells wide."""
        (first_line, first_column), (last_line, last_column) = self.ordered()
        if self.empty or not first_line <= line <= last_line:
            return None
        start = first_column if line == first_line else 0
        end = last_column if line == last_line else width
        return (start, end) if end > start else None


def selected_text(selection: Selection, line_of: Callable[[int], StyledLine], width: int) -> str:
    """The selected text, one row per line, trailing blanks stripped like a terminal copy."""
    (first_line, _), (last_line, _) = selection.ordered()
    rows: list[str] = []
    for number in range(first_line, last_line + 1):
        columns = selection.columns_on(number, width)
        if columns is None:
            rows.append("")
            continue
        line = line_of(number)
        rows.append(line.text[line.index(columns[0]) : line.index(columns[1])].rstrip(" "))
    return "\n".join(rows)


def word_at(line: StyledLine, column: int) -> tuple[int, int]:
    """The cells [start, end) of the word under ``column`` (a double-click selection)."""
    text = line.text
    index = line.index(column)
    if index >= len(text) or not _word_char(text[index]):
        return column, column + 1
    start = index
    while start > 0 and _word_char(text[start - 1]):
        start -= 1
    end = index
    while end < len(text) and _word_char(text[end]):
        end += 1
    return line.column(start), line.column(end)


def _word_char(char: str) -> bool:
    return char.isalnum() or char in "_-./:~"
