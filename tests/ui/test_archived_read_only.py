"""Issue 11, item 15 in the window: an archived experiment is read-only until unarchived,
and the window follows archive and unarchive of the experiment it shows at once."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.detail.config_tab import ARCHIVED_HINT
from musiclab_desktop.ui.detail.view import CONFIG, OVERVIEW, RUNS
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.prompts import DISCARD, STAY

from ui_kit import FakePrompts


def shown_with_archived_listed(window: MainWindow, record: ExperimentRecord,
                               tab: int) -> None:
    window.list_panel.archived_toggle.setChecked(True)
    assert window.select_experiment(record.id)
    window.detail.tabs.setCurrentIndex(tab)


def test_start_run_follows_archive_and_unarchive_of_the_shown_experiment(
        library: Library, window: MainWindow, experiment_with_dataset) -> None:
    window.controller.reload()
    shown_with_archived_listed(window, experiment_with_dataset, RUNS)
    start = window.runs_page.start_button
    assert start.isEnabled()
    assert window.archive(experiment_with_dataset) is not None
    assert window.list_panel.current_record().archived  # still shown: Show archived is on
    assert not start.isEnabled()
    assert "unarchive it to start runs" in start.toolTip()  # core's own sentence
    window.list_panel.unarchive_button.click()
    assert library.experiments.get(experiment_with_dataset.id).status == "DRAFT"
    assert start.isEnabled()


def test_start_run_of_an_experiment_archived_while_the_runs_tab_was_hidden(
        window: MainWindow, experiment_with_dataset) -> None:
    window.controller.reload()
    shown_with_archived_listed(window, experiment_with_dataset, RUNS)
    window.detail.tabs.setCurrentIndex(OVERVIEW)
    window.archive(experiment_with_dataset)
    window.detail.tabs.setCurrentIndex(RUNS)
    assert not window.runs_page.start_button.isEnabled()


def test_config_edit_follows_archive_and_unarchive_of_the_shown_experiment(
        library: Library, window: MainWindow) -> None:
    record = library.experiments.create("settled")
    window.controller.reload()
    shown_with_archived_listed(window, record, CONFIG)
    tab = window.detail.config_tab
    assert tab.edit_button.isEnabled()
    window.archive(record)
    assert not tab.edit_button.isEnabled()
    assert tab.hint.text() == ARCHIVED_HINT
    tab.start_edit()
    assert not tab.is_editing() and tab.form.is_read_only()
    overview = window.detail.overview
    assert not overview.dataset_card.link_button.isEnabled()
    window.list_panel.unarchive_button.click()
    assert tab.edit_button.isEnabled()
    assert overview.dataset_card.link_button.isEnabled()
    tab.start_edit()
    assert tab.is_editing()


def test_archiving_the_experiment_being_edited_asks_first(
        qtbot: QtBot, library: Library, window: MainWindow, prompts: FakePrompts) -> None:
    record = library.experiments.create("in progress")
    window.controller.reload()
    shown_with_archived_listed(window, record, CONFIG)
    tab = window.detail.config_tab
    tab.start_edit()
    tab.form.editor("num_epochs").setValue(42)
    prompts.unsaved_answer = STAY
    assert window.archive(record) is None
    assert "Save the changes to the settings of “in progress”?" in prompts.questions[-1]
    assert library.experiments.get(record.id).status == "DRAFT"
    assert tab.is_editing() and tab.form.values()["num_epochs"] == 42
    prompts.unsaved_answer = DISCARD
    assert window.archive(record) is not None
    assert library.experiments.get(record.id).status == "ARCHIVED"
    assert not tab.is_editing() and not tab.edit_button.isEnabled()
    assert library.experiments.get(record.id).config["num_epochs"] != 42
