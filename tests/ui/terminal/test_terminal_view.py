"""TerminalView behaviour: streaming, colours, scrollback, follow-tail, search, copy, save."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QLineEdit,
    QTabWidget,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.terminal import TerminalPanel, TerminalView
from musiclab_desktop.ui.terminal.palette import TerminalPalette

from terminal_kit import numbered_lines, settle

PALETTE = TerminalPalette()


def shows_colour(widget: QWidget, colour: str) -> bool:
    """Whether any pixel of the widget's rendering has exactly ``colour`` (#rrggbb)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = bytes(image.constBits())
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    pattern = bytes((blue, green, red, 0xFF))  # RGB32 is 0xffRRGGBB, little-endian
    found = pixels.find(pattern)
    while found != -1 and found % 4:
        found = pixels.find(pattern, found + 1)
    return found != -1


def test_live_bytes_appear_without_blocking_the_caller(qtbot: QtBot, view: TerminalView) -> None:
    view.feed(b"epoch 1 starting\n")
    view.feed(b"step 1 loss=4.2")
    settle(qtbot, view)
    assert view.screen_lines()[:2] == ["epoch 1 starting", "step 1 loss=4.2"]
    assert shows_colour(view.viewport(), PALETTE.foreground)


def test_carriage_returns_redraw_a_progress_bar_in_place(qtbot: QtBot, view: TerminalView) -> None:
    for percent in range(0, 101, 10):
        view.feed(f"\rTraining: {percent:3d}%|{'#' * (percent // 10):10s}|".encode())
    view.feed(b"\ndone\n")
    settle(qtbot, view)
    assert view.screen_lines()[:2] == ["Training: 100%|##########|", "done"]
    assert "  0%" not in view.plain_text()


def test_colours_and_styles_reach_the_cells(view: TerminalView) -> None:
    view.feed(
        b"\x1b[31mR\x1b[0m\x1b[94mB\x1b[0m\x1b[38;5;208mO\x1b[0m\x1b[38;2;255;128;0mT\x1b[0m"
        b"\x1b[38:2:1:2:3mC\x1b[0m\x1b[1mb\x1b[0m\x1b[3mi\x1b[0m\x1b[4mu\x1b[0m\x1b[7mv\x1b[0m"
        b"\x1b[42mg\x1b[0m"
    )
    cells = [view.cell(0, column) for column in range(10)]
    assert [cell.data for cell in cells] == list("RBOTCbiuvg")
    assert [cells[i].fg for i in range(5)] == ["red", "brightblue", "ff8700", "ff8000", "010203"]
    assert cells[5].bold and cells[6].italics and cells[7].underscore and cells[8].reverse
    assert cells[9].bg == "green"


def test_scrollback_holds_lines_beyond_the_screen(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(40, 5)
    view.feed(numbered_lines(100))
    settle(qtbot, view)
    assert view.plain_text().splitlines() == [f"line {i}" for i in range(100)]
    assert view.screen_lines() == [f"line {i}" for i in range(96, 100)] + [""]
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.visible_lines()[0] == "line 0"


def test_scrollback_limit_drops_the_oldest_lines(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(40, 5, scrollback_lines=50)
    view.feed(numbered_lines(200))
    text = view.plain_text().splitlines()
    assert text[0] == "line 146"
    assert text[-1] == "line 199"


def test_follow_tail_pauses_on_scroll_up_and_resumes_at_the_bottom(
    qtbot: QtBot, make_view: Callable
) -> None:
    view = make_view(60, 10)
    view.feed(numbered_lines(200))
    settle(qtbot, view)
    assert view.is_following()
    with qtbot.waitSignal(view.followTailChanged) as paused:
        qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert paused.args == [False]
    shown = view.visible_lines()
    view.feed(numbered_lines(50, prefix="more"))
    settle(qtbot, view)
    assert view.visible_lines() == shown  # new output does not yank the reader away
    with qtbot.waitSignal(view.followTailChanged) as resumed:
        qtbot.keyClick(view, Qt.Key.Key_End)
    assert resumed.args == [True]
    view.feed(b"newest\n")
    settle(qtbot, view)
    assert "newest" in view.visible_lines()


def test_mouse_wheel_scrolls_and_pauses_following(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(60, 10)
    view.feed(numbered_lines(100))
    settle(qtbot, view)
    bottom = view.visible_lines()
    wheel = QWheelEvent(
        QPointF(50, 50),
        QPointF(view.mapToGlobal(QPoint(50, 50))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert not view.is_following()
    assert view.visible_lines() != bottom
    view.scroll_to_bottom()
    assert view.is_following() and view.visible_lines() == bottom


def test_page_keys_move_by_a_screen(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(60, 10)
    view.feed(numbered_lines(100))
    settle(qtbot, view)
    top = view.visible_lines()[0]
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.visible_lines()[0] == top
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.visible_lines()[0] == "line 0"


def test_resize_reflows_the_width(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(40, 6)
    long_line = "".join(f"{i:02d}-" for i in range(30)).encode()  # 90 characters
    view.feed(long_line + b"\nnext\n")
    settle(qtbot, view)
    assert view.screen_lines()[:4] == [
        long_line[:40].decode(),
        long_line[40:80].decode(),
        long_line[80:].decode(),
        "next",
    ]
    view.set_terminal_size(100, 6)
    settle(qtbot, view)
    assert view.screen_lines()[:2] == [long_line.decode(), "next"]


def test_widget_resize_changes_the_terminal_size(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(None, None)
    view.feed(b"x" * 150 + b"\n")
    settle(qtbot, view)
    columns, _lines = view.terminal_size()
    view.resize(view.width() + 300, view.height())
    qtbot.waitUntil(lambda: view.terminal_size()[0] > columns)
    settle(qtbot, view)
    wide = view.terminal_size()[0]
    assert view.screen_lines()[0] == "x" * min(150, wide)


def test_search_plain_and_regex_next_and_previous(qtbot: QtBot, view: TerminalView) -> None:
    view.feed(b"alpha 1\nbeta\nalpha 2\ngamma\nALPHA 3\n")
    assert view.find_text("alpha")
    assert view.current_match() == ("alpha 1", 0, 5)
    assert view.find_text("alpha")
    assert view.current_match() == ("alpha 2", 0, 5)
    assert view.find_text("alpha")
    assert view.current_match() == ("ALPHA 3", 0, 5)  # case-insensitive
    assert view.find_text("alpha")
    assert view.current_match() == ("alpha 1", 0, 5)  # wraps
    assert view.find_text("alpha", backwards=True)
    assert view.current_match() == ("ALPHA 3", 0, 5)
    assert view.find_text(r"a \d", regex=True)
    assert view.current_match() is not None and view.current_match()[0] == "alpha 1"
    assert not view.find_text("zeta")
    assert not view.find_text("(", regex=True)  # invalid: no match, no exception


def test_search_highlights_hits(qtbot: QtBot, view: TerminalView) -> None:
    view.feed(b"find me here\n")
    view.find_text("find me")
    settle(qtbot, view)
    assert shows_colour(view.viewport(), PALETTE.current_match)


def test_ctrl_f_opens_a_search_bar_inside_the_terminal(qtbot: QtBot, view: TerminalView) -> None:
    view.feed(b"loss 1\nloss 2\nstep 3\n")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = view.findChild(QFrame, "terminalSearchBar")
    assert bar is not None and bar.isVisible()
    assert view.geometry().contains(bar.geometry().translated(view.pos()))
    field = bar.findChild(QLineEdit, "terminalSearchField")
    qtbot.keyClicks(field, "loss")
    assert view.current_match() == ("loss 1", 0, 4)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert view.current_match() == ("loss 2", 0, 4)
    qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.current_match() == ("loss 1", 0, 4)
    field.clear()
    bar.findChild(QCheckBox, "terminalSearchRegex").setChecked(True)
    qtbot.keyClicks(field, r"(step|loss) [23]")
    assert view.current_match() == ("loss 2", 0, 6)
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert view.current_match() is None


def test_jump_to_first_error_finds_the_traceback(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(80, 5)
    view.feed(numbered_lines(30))
    view.feed(b'WARNING: slow disk\nTraceback (most recent call last):\n  File "x.py"\n')
    view.feed(b"ValueError: bad\n")
    view.feed(numbered_lines(30, prefix="after"))
    assert view.jump_to_first_error()
    assert view.current_match()[0] == "Traceback (most recent call last):"
    assert "Traceback (most recent call last):" in view.visible_lines()
    assert not view.is_following()


def test_jump_to_first_error_finds_error_lines_and_reports_none(view: TerminalView) -> None:
    view.feed(b"0 errors so far\nerror_rate=0.1\nINFO fine\n")
    assert not view.jump_to_first_error()
    view.feed(b"RuntimeError: CUDA out of memory\n")
    assert view.jump_to_first_error()
    assert view.current_match()[0] == "RuntimeError: CUDA out of memory"


def test_scroll_to_text_shows_the_line(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(80, 5)
    view.feed(numbered_lines(100, prefix="step"))
    assert view.scroll_to_text("step 42")
    assert "step 42" in view.visible_lines()
    assert not view.scroll_to_text("step 4200")


def test_copy_all_puts_the_plain_text_on_the_clipboard(view: TerminalView) -> None:
    view.feed(b"\x1b[32mgreen\x1b[0m line   \nsecond\n")
    view.copy_all()
    assert QGuiApplication.clipboard().text() == "green line\nsecond\n"


def test_mouse_selection_and_ctrl_c_copy(qtbot: QtBot, view: TerminalView) -> None:
    view.feed(b"hello world\nsecond line\n")
    settle(qtbot, view)
    cell_width = view._lines.cell_width
    line_height = view._lines.line_height
    start = QPoint(int(6 * cell_width + 1), int(line_height / 2))
    end = QPoint(int(6 * cell_width + 1), int(line_height * 1.5))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert view.selected_text() == "world\nsecond"
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "world\nsecond"
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    assert view.selected_text() == "world"


def test_save_log_raw_and_plain(tmp_path: Path, view: TerminalView) -> None:
    data = b"\x1b[31mred\x1b[0m\r\nprogress 1\rprogress 2\n"
    view.feed(data)
    view.save_log(tmp_path / "raw.log", raw=True)
    view.save_log(tmp_path / "plain.txt", raw=False)
    assert (tmp_path / "raw.log").read_bytes() == data
    assert (tmp_path / "plain.txt").read_text(encoding="utf-8") == "red\nprogress 2\n"


def test_placeholder_shows_when_empty_and_goes_with_output(
    qtbot: QtBot, view: TerminalView
) -> None:
    view.set_placeholder("Select a run to view logs")
    assert shows_colour(view.viewport(), PALETTE.placeholder)
    view.feed(b"output\n")
    settle(qtbot, view)
    assert not shows_colour(view.viewport(), PALETTE.placeholder)
    view.clear()
    assert view.plain_text() == ""
    assert shows_colour(view.viewport(), PALETTE.placeholder)


def test_loading_indicator_until_the_history_is_shown(qtbot: QtBot, view: TerminalView) -> None:
    view.set_loading(True)
    assert view.is_loading()
    with qtbot.waitSignal(view.historyLoaded):
        view.load_history(b"stored line\n", live=False)
    assert not view.is_loading()
    assert view.screen_lines()[0] == "stored line"


def test_live_history_then_streaming_continues(qtbot: QtBot, view: TerminalView) -> None:
    view.load_history(b"", live=True)
    assert view.plain_text() == ""
    view.feed(b"first bytes\n")
    settle(qtbot, view)
    assert view.screen_lines()[0] == "first bytes"


def test_panel_toolbar_actions(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:
    panel = TerminalPanel()
    qtbot.addWidget(panel)
    panel.resize(800, 400)
    panel.show()
    panel.view.feed(b"ok\nTraceback (most recent call last):\n")
    panel.findChild(QToolButton, "jumpToErrorButton").click()
    assert panel.view.current_match()[0].startswith("Traceback")
    target = tmp_path / "saved.txt"
    monkeypatch.setattr(
        "musiclab_desktop.ui.terminal.panel.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(target), ""),
    )
    assert panel.save_log_as(raw=False)
    assert target.read_text(encoding="utf-8").startswith("ok\nTraceback")
    panel.findChild(QToolButton, "copyAllButton").click()
    assert QGuiApplication.clipboard().text().startswith("ok\n")
    follow = panel.findChild(QToolButton, "followTailButton")
    assert follow.isChecked()


class PaintRecorder(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def test_only_changed_rows_are_repainted(qtbot: QtBot, make_view: Callable) -> None:
    view = make_view(80, 10)
    view.feed(b"header\nsecond\nprogress  0%")
    settle(qtbot, view)
    recorder = PaintRecorder()
    view.viewport().installEventFilter(recorder)
    for percent in range(10, 101, 10):
        view.feed(f"\rprogress {percent:2d}%".encode())
    settle(qtbot, view)
    assert recorder.rects, "the progress row was never repainted"
    row_height = view._lines.line_height
    for rect in recorder.rects:
        assert rect.height() <= 2 * row_height + 2  # the progress row, not the screen
        assert rect.top() >= int(2 * row_height) - 1
    assert view.screen_lines()[2] == "progress 100%"


def test_a_view_sized_while_hidden_renders_at_its_shown_size(qtbot: QtBot) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    view = TerminalView()
    tabs.addTab(QWidget(), "Overview")
    tabs.addTab(view, "Runs")
    tabs.resize(900, 500)
    tabs.show()
    view.feed(b"x" * 200 + b"\n")
    assert view.terminal_size() == (80, 24)
    tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.terminal_size()[0] > 80)
    assert view.screen_lines()[0] == "x" * view.terminal_size()[0]
