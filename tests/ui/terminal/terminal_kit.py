"""Helpers for the terminal view tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QTimer
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.terminal import TerminalView
from musiclab_desktop.ui.terminal.emulator import TerminalScreen, TerminalStream

CORPUS = Path(__file__).resolve().parents[2] / "data" / "terminal"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.bin"))


def settle(qtbot: QtBot, view: TerminalView, timeout: int = 5000) -> None:
    """Wait until every byte fed is shown, through the view's own timers."""
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=timeout)
    qtbot.wait(50)  # and one more frame


def render(
    data: bytes, columns: int = 20, lines: int = 6, scrollback: int = 1000
) -> TerminalScreen:
    screen = TerminalScreen(columns, lines, scrollback)
    TerminalStream(screen).feed(data)
    return screen


def cell_state(screen: TerminalScreen) -> tuple:
    """Everything visible: every cell with its attributes, history, cursor."""
    rows = tuple(
        tuple(screen.buffer[y][x] for x in range(screen.columns)) for y in range(screen.lines)
    )
    history = tuple(tuple(line[x] for x in range(screen.columns)) for line in screen.history)
    cursor = screen.cursor
    return rows, history, (cursor.x, cursor.y, cursor.attrs, cursor.hidden)


def numbered_lines(count: int, prefix: str = "line") -> bytes:
    return b"".join(f"{prefix} {index}\n".encode() for index in range(count))


class StallProbe:
    """The longest gap between ticks of a fast timer: how long the event loop was blocked."""

    interval_ms = 5

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(self.interval_ms)
        self._timer.timeout.connect(self._tick)

    def __enter__(self) -> StallProbe:
        self._clock.start()
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.stop()
        self._tick()

    def _tick(self) -> None:
        gap = self._clock.nsecsElapsed() / 1e6
        self._clock.restart()
        self.worst_ms = max(self.worst_ms, gap - self.interval_ms)
