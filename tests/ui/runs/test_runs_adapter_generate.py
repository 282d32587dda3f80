"""The runs table's Adapter cell opens generation with that run's adapter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.runs.runs_model import Column
from musiclab_desktop.ui.runs.runs_page import RunsPage

from runs_page_kit import cell_centre, reload
from shared_kit import finish_run


def double_click(qtbot: QtBot, page: RunsPage, run_id: int) -> None:
    # QTest's double-click has no press of its own: the click before it is the first.
    cell = cell_centre(page, run_id, Column.ADAPTER)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)


def test_double_click_on_the_adapter_cell_asks_to_generate_with_it(
        qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset) -> None:
    done = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, done.id, 2.0)
    pending = library.runs.prepare_start(experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    asked: list[int] = []
    page.generateRequested.connect(asked.append)
    double_click(qtbot, page, pending.id)
    assert asked == []  # no adapter yet: nothing to generate with
    double_click(qtbot, page, done.id)
    assert asked == [library.runs.get(done.id).adapter_id] and asked[0] is not None
