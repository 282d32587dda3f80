"""The Qt-free core: screen, scrollback, carriage-return collapse, SGR rewrite, cuts."""

from __future__ import annotations

import random

import pytest
from pyte.screens import wcwidth

from musiclab_desktop.ui.terminal.collapse import collapse_rewrites
from musiclab_desktop.ui.terminal.document import TerminalDocument
from musiclab_desktop.ui.terminal.emulator import ONE_CELL_TEXT, TerminalScreen
from musiclab_desktop.ui.terminal.escapes import normalise_sgr, safe_end, tail_start
from musiclab_desktop.ui.terminal.replay import Replay

from terminal_kit import cell_state, render


def text_rows(screen: TerminalScreen) -> list[str]:
    return [
        "".join(screen.buffer[y][x].data for x in range(screen.columns)).rstrip()
        for y in range(screen.lines)
    ]


def test_bare_linefeed_starts_a_new_line_at_column_zero() -> None:
    assert text_rows(render(b"one\ntwo\nthree"))[:3] == ["one", "two", "three"]


def test_lines_leaving_the_top_go_to_the_scrollback_in_order() -> None:
    screen = render(b"".join(b"line %d\n" % i for i in range(10)), lines=4)
    assert [("".join(line[x].data for x in range(6))) for line in screen.history] == [
        f"line {i}" for i in range(7)
    ]
    assert screen.pushed_total == 7


def test_scrollback_keeps_only_its_limit_but_counts_every_line() -> None:
    screen = render(b"x\n" * 50, lines=4, scrollback=10)
    assert len(screen.history) == 10
    assert screen.pushed_total == 47


def test_scroll_region_lines_do_not_enter_history() -> None:
    screen = render(b"\x1b[2;4r\x1b[4;1H" + b"a\nb\nc\nd\n", lines=6)
    assert len(screen.history) == 0


def test_alternate_screen_is_restored_on_exit() -> None:
    screen = render(b"main text\n\x1b[?1049hfull screen app\x1b[?1049lafter")
    assert text_rows(screen)[:2] == ["main text", "after"]


def test_clear_screen_scrolls_into_history_like_tmux_and_ed3_clears_it() -> None:
    screen = render(b"first\nsecond\n\x1b[H\x1b[2J")
    assert [line[0].data for line in screen.history] == ["f", "s"]
    assert text_rows(screen) == [""] * 6
    screen = render(b"first\nsecond\n\x1b[H\x1b[2J\x1b[3J")
    assert len(screen.history) == 0


def test_vertical_tab_moves_down_without_returning_the_carriage() -> None:
    assert text_rows(render(b"ab\x0bcd"))[:2] == ["ab", "  cd"]


def test_low_256_colour_indexes_are_named_and_truecolor_is_kept() -> None:
    screen = render(b"\x1b[38;5;1mA\x1b[38;5;9mB\x1b[38;5;208mC\x1b[38;2;205;0;0mD\x1b[48;5;4mE")
    cells = screen.buffer[0]
    assert [cells[x].fg for x in range(4)] == ["red", "brightred", "ff8700", "cd0000"]
    assert cells[4].bg == "blue"


def test_a_malformed_sequence_costs_only_itself() -> None:
    assert text_rows(render(b"ab\x1b[?5Acd\x1b[?1mef"))[0] == "abcdef"


def test_unprintable_characters_are_skipped_not_the_rest() -> None:
    assert text_rows(render("a\x01b\u200bc".encode()))[0] == "abc"


def test_one_cell_fast_path_only_covers_single_width_characters() -> None:
    for code in range(0x20, 0x3000):
        char = chr(code)
        if ONE_CELL_TEXT.fullmatch(char):
            assert wcwidth(char) == 1, hex(code)


@pytest.mark.parametrize(
    ("colon", "semicolon"),
    [
        (b"\x1b[38:2:255:128:0m", b"\x1b[38;2;255;128;0m"),
        (b"\x1b[38:2::255:128:0m", b"\x1b[38;2;255;128;0m"),
        (b"\x1b[1;48:5:22m", b"\x1b[1;48;5;22m"),
        (b"\x1b[4:3m", b"\x1b[4m"),
        (b"\x1b[4:0m", b"\x1b[24m"),
        (b"ratio 3:4 \x1b[31m", b"ratio 3:4 \x1b[31m"),
    ],
)
def test_colon_sgr_becomes_semicolon_sgr(colon: bytes, semicolon: bytes) -> None:
    assert normalise_sgr(colon) == semicolon


def test_colon_truecolor_renders_like_semicolon_truecolor() -> None:
    screen = render(normalise_sgr(b"\x1b[38:2:1:2:3mX"))
    assert screen.buffer[0][0].fg == "010203"
    assert text_rows(screen)[0] == "X"


@pytest.mark.parametrize(
    ("data", "cut"),
    [
        (b"abc\x1b[3", 3),
        (b"abc\x1b[31m", 8),
        (b"abc\x1b", 3),
        (b"abc\x1b]0;title", 3),
        (b"abc\x1b]0;title\x07", 13),
        ("ab\u2588".encode()[:-1], 2),
        ("ab\u2588".encode(), 5),
    ],
)
def test_safe_end_holds_back_unfinished_sequences(data: bytes, cut: int) -> None:
    assert safe_end(data, 0, len(data)) == cut


def test_tail_start_cuts_after_a_newline_with_enough_rows() -> None:
    data = b"".join(b"row %d\n" % i for i in range(100))
    start = tail_start(data, len(data), 10, None)
    assert data[start:].count(b"\n") == 10
    assert data[start - 1 : start] == b"\n"
    assert tail_start(data, len(data), 1000, None) == 0


def test_tail_start_within_a_byte_cap_falls_on_a_carriage_return() -> None:
    data = b"head\n" + b"".join(b"\rprogress %d" % i for i in range(10_000))
    start = tail_start(data, len(data), 10, 1000)
    assert len(data) - start <= 1000
    assert data[start : start + 1] == b"\r"


def test_collapse_drops_covered_redraws_and_keeps_the_last() -> None:
    data = b"head\r10%\r20%\r30%\n"
    assert collapse_rewrites(data, 80) == b"head\r30%\n"


def test_collapse_keeps_a_wider_earlier_segment_that_still_shows() -> None:
    data = b"\rlong text here\rshort"
    collapsed = collapse_rewrites(data, 80)
    assert text_rows(render(collapsed, 40))[0] == "shorttext here"
    assert collapsed == data


def test_collapse_keeps_colour_changes_of_dropped_segments() -> None:
    data = b"\r\x1b[32mgreen\rplain"
    collapsed = collapse_rewrites(data, 80)
    assert b"green" not in collapsed
    assert render(collapsed, 40).buffer[0][0].fg == "green"


def _random_line_soup(rng: random.Random, columns: int) -> bytes:
    tokens = [
        b"\r",
        b"\r",
        b"\r",
        b"\n",
        b"\x1b[31m",
        b"\x1b[0m",
        b"\x1b[1;44m",
        b"\x1b[38;2;1;2;3m",
        b"\x1b[K",
        b"\x1b[1K",
        b"\x1b[2K",
        b"\x1b[A",
        b"\x1b[2B",
        b"\x1b[?25l",
        b"\x1b[?25h",
        b"\t",
        b"\x08",
        "\u2588\u258c".encode(),
        "\u4e2d".encode(),
        "e\u0301".encode(),
        b"\x1b[4h",
        b"\x1b[4l",
        b"\x1b7",
        b"\x1b8",
    ]
    parts: list[bytes] = []
    for _ in range(rng.randint(5, 60)):
        if rng.random() < 0.5:
            parts.append(rng.choice(tokens))
        else:
            width = rng.choice([1, 3, 8, columns - 1, columns, columns + 3])
            parts.append(bytes(rng.choice(b"abcdefgh ") for _ in range(width)))
    return b"".join(parts)


@pytest.mark.parametrize("seed", range(400))
def test_collapse_never_changes_what_the_screen_shows(seed: int) -> None:
    rng = random.Random(seed)
    columns = rng.choice([8, 12, 20])
    data = _random_line_soup(rng, columns)
    expected = cell_state(render(data, columns, 5))
    prepared = Replay(columns, 5, 1000, 0).prepare(data)  # SGR rewrite, then the collapse
    assert cell_state(render(prepared, columns, 5)) == expected, data


@pytest.mark.parametrize("seed", range(40))
def test_document_fed_in_random_chunks_matches_a_plain_replay(seed: int) -> None:
    rng = random.Random(1000 + seed)
    data = b"".join(_random_line_soup(rng, 20) for _ in range(5))
    expected = text_rows(render(data, 20, 5))
    document = TerminalDocument(20, 5, 1000)
    offset = 0
    while offset < len(data):
        size = rng.randint(1, 40)
        document.append(data[offset : offset + size])
        document.pump(rng.choice([None, 0.0]))
        offset += size
    document.flush()
    assert document.screen_lines() == expected


def test_document_reads_rows_changed_since_the_painter_last_looked() -> None:
    document = TerminalDocument(20, 3, 100)
    document.append(b"one\ntwo")
    document.pump(None)
    assert document.screen_lines() == ["one", "two", ""]
    document.append(b"\rTWO\nthree\nfour")  # no take_changes() between: rows are cached
    document.pump(None)
    assert document.screen_lines() == ["TWO", "three", "four"]
    assert document.plain_text() == "one\nTWO\nthree\nfour\n"
