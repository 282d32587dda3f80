"""Notes and tags on runs, the runs table's filter box and its setting columns."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.change_notice import Change, notice_for
from musiclab_desktop.ui.notes_dialog import NotesDialog
from musiclab_desktop.ui.runs.runs_model import Column
from musiclab_desktop.ui.runs.runs_page import RunsPage

from runs_page_kit import cell_centre, reload
from shared_kit import finish_run
from ui_kit import DialogPrompts


def _runs(library: Library, experiment_id: int) -> dict[str, int]:
    """Three finished runs: rank 8 (loss 2.0), rank 16 (1.5), rank 16 again (2.5)."""
    ids = {}
    for name, rank, loss in (("small", 8, 2.0), ("big", 16, 1.5), ("big again", 16, 2.5)):
        run = library.runs.prepare_start(experiment_id, name=name, override={"lora_r": rank})
        finish_run(library, run.id, loss)
        ids[name] = run.id
    return ids


def _shown(page: RunsPage) -> list[str]:
    return sorted(page.model.run_at(row).name for row in range(page.model.rowCount()))


def _fill_notes(notes: str, tags: str):
    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, NotesDialog)
        dialog.notes_edit.setPlainText(notes)
        dialog.tags_edit.setText(tags)
        return True
    return fill


def test_notes_and_tags_are_edited_and_shown_in_the_table(
        qtbot: QtBot, page: RunsPage, library: Library, dialog_prompts: DialogPrompts,
        experiment_with_dataset) -> None:
    ids = _runs(library, experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    dialog_prompts.fill = _fill_notes("Long clips, warmer sound.\nTry rank 32 next.",
                                      "baseline, warm")
    # A double-click on the run's notes cell opens the editor (QTest's double-click
    # has no press of its own: the click before it is the first press).
    notes_cell = cell_centre(page, ids["big"], Column.NOTES)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=notes_cell)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=notes_cell)
    assert len(dialog_prompts.dialogs) == 1
    stored = library.runs.get(ids["big"])
    assert stored.notes == "Long clips, warmer sound.\nTry rank 32 next."
    assert stored.tags == ["baseline", "warm"]
    index = page.model.index(page.model.row_of(ids["big"]), Column.NOTES)
    assert index.data() == "#baseline #warm · Long clips, warmer sound. Try rank 32 next."
    assert "Try rank 32 next." in index.data(Qt.ItemDataRole.ToolTipRole)
    assert page.model.headerData(Column.NOTES, Qt.Orientation.Horizontal) == "Tags and notes"


def test_a_cancelled_notes_edit_changes_nothing(
        page: RunsPage, library: Library, dialog_prompts: DialogPrompts,
        experiment_with_dataset) -> None:
    ids = _runs(library, experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    dialog_prompts.fill = lambda dialog: False
    assert page.request_edit_notes(ids["small"]) is None
    assert library.runs.get(ids["small"]).notes == ""


def test_the_filter_box_filters_rows_by_words_and_by_expressions(
        qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset) -> None:
    ids = _runs(library, experiment_with_dataset.id)
    library.runs.annotate(ids["small"], notes="bright and airy", tags=["baseline"])
    reload(page, library, experiment_with_dataset)
    box = page.finder.box
    qtbot.keyClicks(box, "again")  # plain words: the name, notes and tags
    assert _shown(page) == ["big again"]
    assert page.summary.text() == "1 of 3 runs shown"
    box.setText("#baseline")
    assert _shown(page) == ["small"]
    box.setText("AIRY")
    assert _shown(page) == ["small"]
    box.setText("lora_r=16 and final_loss<2")  # the CLI's --filter language
    assert _shown(page) == ["big"]
    box.setText("lora_r=16 or tag=baseline")
    assert _shown(page) == ["big", "big again", "small"]
    error = page.findChild(QLabel, "runsFilterError")
    box.setText("final_loss<")  # half typed: said, and the rows stay
    assert error.isVisible() and error.text()
    assert _shown(page) == ["big", "big again", "small"]
    box.setText("lora_rr=16")
    assert "lora_r" in error.text()  # did you mean
    box.clear()
    assert not error.isVisible()
    assert _shown(page) == ["big", "big again", "small"]
    assert page.summary.text() == "3 run(s)"


def test_a_run_that_starts_matching_the_filter_appears(
        page: RunsPage, library: Library, experiment_with_dataset) -> None:
    ids = _runs(library, experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    page.finder.box.setText("tag=keeper")
    assert _shown(page) == []
    library.runs.annotate(ids["small"], tags=["keeper"])
    notice_for(library).notify(Change.of(runs=[ids["small"]]))  # as the editor does
    assert _shown(page) == ["small"]


def test_settings_that_differ_can_be_shown_as_sortable_columns(
        page: RunsPage, library: Library, experiment_with_dataset) -> None:
    ids = _runs(library, experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    assert page.finder.column_choices() == ["lora_r"]  # the one setting that differs
    menu = page.finder.header_menu()
    (action,) = [a for a in menu.actions() if a.text() == "lora_r"]
    action.trigger()  # checks it
    column = page.model.columnCount() - 1
    assert page.model.headerData(column, Qt.Orientation.Horizontal) == "lora_r"
    ranks = {page.model.run_at(row).name: page.model.index(row, column).data()
             for row in range(page.model.rowCount())}
    assert ranks == {"small": "8", "big": "16", "big again": "16"}
    page.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    order = [page.model.run_at(row).id for row in range(page.model.rowCount())]
    assert order[-1] == ids["small"]  # 16, 16, then 8 (numbers, not text)
    page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert page.model.run_at(0).id == ids["small"]
    page.finder.set_setting_columns([])
    assert page.model.columnCount() == len(Column)
