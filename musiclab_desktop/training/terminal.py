"""The human side of the worker: a colourful, honest terminal on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

_CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


def colours_enabled() -> bool:
    # The app's terminal view understands ANSI even though stderr is a pipe,
    # so colour is on unless the user opts out (https://no-color.org).
    return "NO_COLOR" not in os.environ


def paint(text: str, *styles: str) -> str:
    if not styles or not colours_enabled():
        return text
    codes = ";".join(_CODES[style] for style in styles)
    return f"\033[{codes}m{text}\033[0m"


class Terminal:
    """Writes lines to stderr; goes through tqdm while a progress bar is on screen."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._bar: Any = None

    def line(self, text: str = "") -> None:
        if self._bar is not None:
            self._bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def phase(self, name: str, message: str) -> None:
        self.line(paint("==> ", "bold", "blue") + paint(name, "bold") + f"  {message}")

    def info(self, message: str) -> None:
        self.line(paint("    ", "dim") + message)

    def success(self, message: str) -> None:
        self.line(paint("✔ ", "bold", "green") + message)

    def warning(self, message: str) -> None:
        self.line(paint("warning: ", "bold", "yellow") + message)

    def error(self, message: str) -> None:
        self.line(paint("error: ", "bold", "red") + message)

    def table(self, title: str, rows: Iterable[tuple[str, Any]]) -> None:
        rows = list(rows)
        width = max((len(key) for key, _ in rows), default=0)
        self.line(paint(title, "bold", "magenta"))
        for key, value in rows:
            self.line(f"  {paint(key.ljust(width), 'cyan')}  {value}")

    def progress(self, total: int, initial: int = 0) -> Any:
        """A tqdm bar that renders as a real bar even though stderr is piped."""
        from tqdm import tqdm

        self._bar = tqdm(
            total=total,
            initial=initial,
            file=self.stream,
            dynamic_ncols=False,
            ncols=100,
            mininterval=0.5,
            desc=paint("train", "bold"),
            unit="step",
            colour="green" if colours_enabled() else None,
            leave=True,
        )
        return self._bar

    def close_progress(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
