"""Driving the runs page as a person would: reload it, and click inside table cells."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.runs.runs_model import Column
from musiclab_desktop.ui.runs.runs_page import RunsPage


def reload(page: RunsPage, library: Library, experiment: ExperimentRecord) -> None:
    page.set_experiment(None)
    page.set_experiment(library.experiments.get(experiment.id))


def cell_centre(page: RunsPage, run_id: int, column: Column) -> QPoint:
    index = page.model.index(page.model.row_of(run_id), column)
    return page.table.visualRect(index).center()


def click_cell(qtbot: QtBot, page: RunsPage, run_id: int, column: Column) -> None:
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell_centre(page, run_id, column))


def click_action(qtbot: QtBot, page: RunsPage, run_id: int) -> None:
    click_cell(qtbot, page, run_id, Column.ACTIONS)


def click_check_box(qtbot: QtBot, page: RunsPage, run_id: int) -> None:
    click_cell(qtbot, page, run_id, Column.CHECK)
