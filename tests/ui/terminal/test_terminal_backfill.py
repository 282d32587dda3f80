"""Output that moves the cursor up (nested progress bars): the scrollback is still exact.

Qt-free. A stored log's scrollback is rebuilt by a replay that starts part-way into the
log; these check that it ends equal to a replay from byte 0, however the log moves the
cursor, and that the nested-bar redraws the replay simplifies leave the screen unchanged.
"""

from __future__ import annotations

import random

import pytest

from musiclab_desktop.ui.terminal.collapse import cancel_up_then_down
from musiclab_desktop.ui.terminal.document import TerminalDocument
from musiclab_desktop.ui.terminal.replay import Replay
from musiclab_desktop.ui.terminal.styled_line import style_line

from nested_bars_kit import nested_bars_log
from terminal_kit import cell_state, render

COLUMNS, LINES = 90, 10


def replayed_from_start(data: bytes, scrollback: int) -> list[str]:
    """Scrollback and screen of one replay of every byte: the truth."""
    replay = Replay(COLUMNS, LINES, scrollback, 0)
    replay.run(data, None)
    screen = replay.screen
    rows = [style_line(line, COLUMNS).text for line in screen.history]
    rows += [style_line(screen.buffer.get(y, {}), COLUMNS).text for y in range(LINES)]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def stored(data: bytes, scrollback: int) -> list[str]:
    document = TerminalDocument(COLUMNS, LINES, scrollback)
    document.load(data)
    document.flush()
    return document.plain_text().splitlines()


@pytest.mark.parametrize("scrollback", [60, 400, 5000])
def test_nested_bars_scrollback_equals_a_replay_from_the_start(scrollback: int) -> None:
    data = nested_bars_log(600_000)
    expected = replayed_from_start(data, scrollback)
    assert stored(data, scrollback) == expected
    assert len(expected) == min(scrollback + LINES - 1, 502)  # 500 log lines, bar, done


@pytest.mark.parametrize("scrollback", [60, 400])
def test_cursor_moves_the_start_guess_misses_are_made_up_by_starting_earlier(
    scrollback: int,
) -> None:
    # Reverse index instead of cursor-up: the byte scan cannot see that it takes a line back.
    data = nested_bars_log(400_000).replace(b"\x1b[A", b"\x1bM")
    assert stored(data, scrollback) == replayed_from_start(data, scrollback)


def test_up_then_down_after_a_linefeed_becomes_a_carriage_return() -> None:
    redraws = b"head\n\r\x1b[32mbar 1\x1b[0m\x1b[A\n\rbar 2\x1b[A\n\rbar 3\x1b[A"
    assert cancel_up_then_down(redraws) == b"head\n\r\x1b[32mbar 1\x1b[0m\r\rbar 2\r\rbar 3\x1b[A"


@pytest.mark.parametrize(
    "data",
    [
        b"top\x1b[A\n",  # no linefeed before: the cursor may be on the top row
        b"a\n\x1b[Hb\x1b[A\n",  # moved home after the linefeed
        b"a\n\x1bMb\x1b[A\n",  # reverse index after the linefeed
        b"a\n\x1b8b\x1b[A\n",  # cursor restore after the linefeed
        "a\n\x9bHb\x1b[A\n".encode(),  # an 8-bit CSI after the linefeed
    ],
)
def test_up_then_down_stays_when_the_row_might_be_the_top(data: bytes) -> None:
    assert cancel_up_then_down(data) == data


def _bar_soup(rng: random.Random, columns: int) -> bytes:
    tokens = [
        b"\n",
        b"\n",
        b"\r",
        b"\x1b[A",
        b"\x1b[A\n",
        b"\x1b[1A\n",
        b"\x1b[2A",
        b"\x1bM",
        b"\x1b[H",
        b"\x1b[3;1H",
        b"\x1b7",
        b"\x1b8",
        b"\x1b[32m",
        b"\x1b[0m",
        b"\x1b[?25l",
        b"\x1b[K",
        b"\x1b[2;4r",
        b"\x1b[r",
        b"\x1b[?1049h",
        b"\x1b[?1049l",
        b"\x1b[2J",
        "\x9bH".encode(),  # an 8-bit CSI: cursor home
        "\x8d".encode(),  # an 8-bit reverse index
        "\x9b2;4r".encode(),  # an 8-bit scroll region
        "\x9b4h".encode(),  # 8-bit insert mode
    ]
    parts: list[bytes] = []
    for _ in range(rng.randint(5, 80)):
        if rng.random() < 0.6:
            parts.append(rng.choice(tokens))
        else:
            width = rng.choice([1, 4, columns - 1, columns, columns + 2])
            parts.append(bytes(rng.choice(b"abcdef ") for _ in range(width)))
    return b"".join(parts)


@pytest.mark.parametrize("seed", range(300))
def test_preparing_cursor_moves_never_changes_what_the_screen_shows(seed: int) -> None:
    rng = random.Random(seed)
    columns = rng.choice([8, 12, 20])
    data = _bar_soup(rng, columns)
    expected = cell_state(render(data, columns, 5))
    prepared = Replay(columns, 5, 1000, 0).prepare(data)
    assert cell_state(render(prepared, columns, 5)) == expected, data
