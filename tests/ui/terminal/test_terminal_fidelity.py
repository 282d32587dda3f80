"""Real-world output renders as tmux renders it: same screen, same scrollback.

The corpus (tests/data/terminal/*.bin, made by make_corpus.py) holds tqdm bars, nested
tqdm bars, rich progress, coloured tracebacks, pip install output, a transformers
warning flood and SGR styles, byte for byte as a pipe delivered them. A coloured
nested-bar log of 10 MB (nested_bars_kit.py) is generated here: too big to commit, and the
size at which a replay that starts late loses the start of the scrollback.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.terminal import TerminalView

from nested_bars_kit import nested_bars_log
from terminal_kit import CORPUS, corpus_files, settle
from tmux_kit import TmuxCapture, capture, tmux_available

pytestmark = pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")

SIZES = [(100, 30), (80, 24), (60, 20)]
CHUNK = 777  # odd, so chunks split escape sequences and UTF-8 characters
BIG_SIZE = (100, 30)
BIG_BYTES = 10_500_000


@cache
def tmux_shows(name: str, columns: int, lines: int) -> TmuxCapture:
    return capture((CORPUS / name).read_bytes(), columns, lines)


@cache
def big_nested_bars() -> tuple[bytes, TmuxCapture]:
    data = nested_bars_log(BIG_BYTES)
    return data, capture(data, *BIG_SIZE)


def test_the_corpus_covers_the_required_kinds_of_output() -> None:
    names = {path.stem for path in corpus_files()}
    assert {
        "tqdm_bars",
        "tqdm_nested",
        "rich_progress",
        "traceback_colour",
        "pip_install",
        "transformers_warnings",
    } <= names


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.stem)
def test_live_feed_matches_tmux(
    qtbot: QtBot, make_view: Callable[..., TerminalView], path: Path, size: tuple[int, int]
) -> None:
    columns, lines = size
    view = make_view(columns, lines, scrollback_lines=50_000)
    data = path.read_bytes()
    for offset in range(0, len(data), CHUNK):
        view.feed(data[offset : offset + CHUNK])
    settle(qtbot, view)
    expected = tmux_shows(path.name, columns, lines)
    assert view.screen_lines() == expected.screen
    assert view.plain_text().splitlines() == expected.history_and_screen


@pytest.mark.parametrize("size", SIZES[:2], ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.stem)
def test_stored_log_matches_tmux(
    make_view: Callable[..., TerminalView], path: Path, size: tuple[int, int]
) -> None:
    columns, lines = size
    view = make_view(columns, lines, scrollback_lines=50_000)
    view.load_history(path.read_bytes(), live=False)
    expected = tmux_shows(path.name, columns, lines)
    assert view.screen_lines() == expected.screen
    assert view.plain_text().splitlines() == expected.history_and_screen


def test_big_nested_bar_log_is_what_the_test_means() -> None:
    data, expected = big_nested_bars()
    assert len(data) >= 10_000_000
    assert b"\x1b[38;2;" in data and b"\x1b[A" in data  # coloured, nested
    # Far more newlines than kept lines: a replay starting by newline count starts late.
    assert data.count(b"\n") > 100 * len(expected.history_and_screen)
    assert expected.history_and_screen[0].startswith("epoch 1 step 0")


def test_big_nested_bar_log_stored_matches_tmux(
    qtbot: QtBot, make_view: Callable[..., TerminalView]
) -> None:
    """Once the scrollback is filled in the background (the first frame is a tail)."""
    data, expected = big_nested_bars()
    view = make_view(*BIG_SIZE, scrollback_lines=50_000)
    with qtbot.waitSignal(view.historyFilled, timeout=60_000):
        view.load_history(data, live=False)
    assert view.screen_lines() == expected.screen
    assert view.plain_text().splitlines() == expected.history_and_screen


def test_big_nested_bar_log_live_matches_tmux(
    qtbot: QtBot, make_view: Callable[..., TerminalView]
) -> None:
    """Fed faster than it can be shown: the default resync restarts from the tail."""
    data, expected = big_nested_bars()
    view = make_view(*BIG_SIZE, scrollback_lines=50_000)
    for offset in range(0, len(data), 64 * 1024):
        view.feed(data[offset : offset + 64 * 1024])
    settle(qtbot, view, timeout=60_000)
    assert view.screen_lines() == expected.screen
    assert view.plain_text().splitlines() == expected.history_and_screen
