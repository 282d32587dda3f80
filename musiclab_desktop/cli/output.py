"""What the commands print: tables and sentences for people, JSON for scripts.

Names in the human output pass through ``printable``: an escape sequence in a name is
shown, never run by the terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from musiclab_desktop.core.config import parse_assignment
from musiclab_desktop.core.display import printable


def emit(result: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    if as_json:
        print(json.dumps(_jsonable(result), indent=2))  # JSON escapes control characters
    else:
        text = human(result)
        if text:
            print(shown(text))


def shown(text: str) -> str:
    """Human output with every control character escaped except the line breaks."""
    return "\n".join(printable(line) for line in text.split("\n"))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def table(rows: list[list[Any]], headers: list[str]) -> str:
    # Escaped per cell: a newline inside a name must not break the table's rows.
    cells = [headers] + [["" if cell is None else printable(str(cell)) for cell in row]
                         for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def loss_text(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def assignments(pairs: Sequence[str] | None) -> dict[str, Any] | None:
    if not pairs:
        return None
    return dict(parse_assignment(pair) for pair in pairs)


def print_flushed(text: str, *, error: bool = False) -> None:
    print(shown(text), file=sys.stderr if error else sys.stdout, flush=True)
