"""Finding text in the terminal's lines: search hits, the first error, a given text.

Qt-free. Lines are addressed by absolute number and read through a callable, so the
same code searches the scrollback and the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

TextOf = Callable[[int], str]

# A Python traceback, or a line that reads as an error (logging levels, exception
# names, "error:" as pip and compilers write it); warnings and "0 errors" are not.
_TRACEBACK = re.compile(r"^\s*Traceback \(most recent call last\):")
_ERROR_LINE = re.compile(
    r"\b(?:ERROR|FATAL|CRITICAL)\b"
    r"|(?:^|\s)(?:error|fatal):"
    r"|\b[A-Z]\w*(?:Error|Exception)\b(?::|$)"
    r"|^Segmentation fault|^Killed$"
)


@dataclass(frozen=True, slots=True)
class Match:
    line: int
    start: int  # index into the line's text
    end: int


@dataclass(frozen=True, slots=True)
class Query:
    pattern: str
    regex: bool
    case_sensitive: bool
    compiled: re.Pattern[str]


def make_query(pattern: str, *, regex: bool, case_sensitive: bool = False) -> Query | None:
    """A compiled query, or None for an empty pattern or an invalid regex."""
    if not pattern:
        return None
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        compiled = re.compile(pattern if regex else re.escape(pattern), flags)
    except re.error:
        return None
    return Query(pattern, regex, case_sensitive, compiled)


def matches_in(query: Query, text: str) -> Iterator[tuple[int, int]]:
    for found in query.compiled.finditer(text):
        if found.end() > found.start():  # an empty match highlights nothing
            yield found.start(), found.end()


def find_match(
    query: Query,
    text_of: TextOf,
    first: int,
    end: int,
    origin: tuple[int, int],
    *,
    backwards: bool = False,
) -> Match | None:
    """The next match after (or, backwards, before) ``origin`` (line, index), wrapping."""
    if end <= first:
        return None
    line = min(max(origin[0], first), end - 1)
    count = end - first
    for step in range(count + 1):
        number = first + ((line - first - step) if backwards else (line - first + step)) % count
        spans = list(matches_in(query, text_of(number)))
        if backwards:
            spans.reverse()
        for start, stop in spans:
            if step == 0 and not _beyond((number, start), origin, backwards):
                continue
            return Match(number, start, stop)
    return None


def _beyond(position: tuple[int, int], origin: tuple[int, int], backwards: bool) -> bool:
    return position < origin if backwards else position > origin


def first_line_with(text_of: TextOf, first: int, end: int, accept: Callable[[str], bool]) -> int:
    """The first line number whose text ``accept``s, or -1."""
    for number in range(first, end):
        if accept(text_of(number)):
            return number
    return -1


def is_error_line(text: str) -> bool:
    return _TRACEBACK.search(text) is not None or _ERROR_LINE.search(text) is not None
