"""Reading a JSON Lines file (a manifest, a metadata.jsonl) with line numbers, so the
error a person sees names the line to fix."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any


def numbered_rows(lines: Iterable[str],
                  error: Callable[[int, str], Exception]) -> Iterator[tuple[int, Any]]:
    """(line number from 1, decoded value) of each line that is not blank; a line that
    is not JSON raises ``error(number, reason)``."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise error(number, f"is not valid JSON ({exc})") from exc
        yield number, row
