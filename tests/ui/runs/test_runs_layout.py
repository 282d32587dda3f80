"""The Runs tab's layout: table, terminal and chart at once at the default window size,
resizable and remembered, and either of terminal or chart given the whole page."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.detail.view import RUNS
from musiclab_desktop.ui.main_window import DEFAULT_SIZE, MainWindow
from musiclab_desktop.ui.runs.runs_page import CHART, TERMINAL

from shared_kit import finish_run
from ui_kit import WindowFactory


def _runs_window(make_window: WindowFactory, manager: RunManager, library: Library,
                 experiment_id: int) -> MainWindow:
    window = make_window(run_manager=manager)
    window.select_experiment(experiment_id)
    window.detail.tabs.setCurrentIndex(RUNS)
    return window


def _in_window(window: MainWindow, widget: QWidget) -> QRect:
    """The widget's rectangle in window coordinates."""
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def test_table_terminal_and_chart_are_all_visible_at_1280x800(
        qtbot: QtBot, make_window: WindowFactory, manager: RunManager, library: Library,
        experiment_with_dataset) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, run.id, 0.5)
    window = _runs_window(make_window, manager, library, experiment_with_dataset.id)
    assert (window.width(), window.height()) == DEFAULT_SIZE
    page = window.runs_page
    page.select_run(run.id)
    scroll = page.detail_scroll
    # Settled: the splitter has its sizes and the chart pane's widget fills it.
    qtbot.waitUntil(lambda: scroll.widget().size() == scroll.viewport().size(), timeout=2_000)
    window_rect = window.rect()
    shown = {"table": page.table, "terminal": page.terminal_panel, "chart": page.chart}
    for name, widget in shown.items():
        assert widget.isVisible(), name
        rect = _in_window(window, widget)
        assert window_rect.contains(rect), (name, rect)
        # Wholly drawn: nothing of it is scrolled away or covered.
        assert widget.visibleRegion().boundingRect().size() == widget.size(), name
    assert page.table.height() >= 90
    assert page.terminal_panel.height() >= 120
    assert page.chart.height() >= 190
    # The table shows its header and rows; the chart pane has nothing to scroll.
    assert page.detail_scroll.verticalScrollBar().maximum() == 0
    # One above the other, in that order, without overlap.
    table, terminal, chart = (_in_window(window, w) for w in shown.values())
    assert table.bottom() < terminal.top() and terminal.bottom() < chart.top()


def test_the_splitter_sizes_are_remembered_across_a_window_reopen(
        make_window: WindowFactory, manager: RunManager, library: Library,
        experiment_with_dataset) -> None:
    window = _runs_window(make_window, manager, library, experiment_with_dataset.id)
    splitter = window.runs_page.splitter
    assert splitter.count() == 3
    total = sum(splitter.sizes())
    splitter.setSizes([100, total - 100 - 240, 240])
    wanted = splitter.sizes()
    assert wanted != [150, 220, 260]
    window.close()
    reopened = _runs_window(make_window, manager, library, experiment_with_dataset.id)
    assert reopened.runs_page.splitter.sizes() == wanted


def test_the_chart_or_the_terminal_can_take_the_whole_page(
        qtbot: QtBot, make_window: WindowFactory, manager: RunManager, library: Library,
        experiment_with_dataset) -> None:
    window = _runs_window(make_window, manager, library, experiment_with_dataset.id)
    page = window.runs_page
    chart_height, terminal_height = page.chart.height(), page.terminal_panel.height()
    qtbot.mouseClick(page.chart_max_button, Qt.MouseButton.LeftButton)
    qtbot.wait(20)
    assert page.maximized() == CHART
    assert not page.table.isVisible() and not page.terminal_panel.isVisible()
    assert page.chart.height() > chart_height + terminal_height
    assert page.chart_max_button.isChecked()
    qtbot.mouseClick(page.chart_max_button, Qt.MouseButton.LeftButton)  # back
    assert page.maximized() is None
    assert page.table.isVisible() and page.terminal_panel.isVisible()
    qtbot.mouseClick(page.terminal_max_button, Qt.MouseButton.LeftButton)
    qtbot.wait(20)
    assert page.maximized() == TERMINAL
    assert not page.chart.isVisible() and not page.table.isVisible()
    assert page.terminal_panel.height() > chart_height + terminal_height
    qtbot.mouseClick(page.terminal_max_button, Qt.MouseButton.LeftButton)
    assert page.maximized() is None
    assert page.chart.isVisible() and not page.terminal_max_button.isChecked()
