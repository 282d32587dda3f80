"""Issue 11, item 16: leaving a Config edit with changes asks Save, Discard or Stay."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.detail.config_tab import ConfigTab
from musiclab_desktop.ui.detail.view import CONFIG
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.prompts import DISCARD, SAVE, STAY, Prompts, unsaved_config_question

from ui_kit import FakePrompts


@pytest.fixture
def edited(library: Library, window: MainWindow) -> tuple[ExperimentRecord, ExperimentRecord]:
    """Two experiments; the first shown on the Config tab with num_epochs edited to 42."""
    first = library.experiments.create("first", config={"num_epochs": 3})
    second = library.experiments.create("second")
    window.controller.reload()
    window.select_experiment(first.id)
    window.detail.tabs.setCurrentIndex(CONFIG)
    tab = window.detail.config_tab
    tab.start_edit()
    tab.form.editor("num_epochs").setValue(42)
    return first, second


def config_tab(window: MainWindow) -> ConfigTab:
    return window.detail.config_tab


def test_save_stores_the_edits_then_switches(
        library: Library, window: MainWindow, prompts: FakePrompts, edited) -> None:
    first, second = edited
    prompts.unsaved_answer = SAVE
    window.select_experiment(second.id)
    assert prompts.questions == ["Save the changes to the settings of “first”?\n"
                                 "Your edits are lost if you discard them."]
    assert library.experiments.get(first.id).config["num_epochs"] == 42
    assert window.detail.experiment().id == second.id
    assert window.list_panel.current_record().id == second.id
    assert not config_tab(window).is_editing()


def test_discard_drops_the_edits_then_switches(
        library: Library, window: MainWindow, prompts: FakePrompts, edited) -> None:
    first, second = edited
    prompts.unsaved_answer = DISCARD
    window.select_experiment(second.id)
    assert len(prompts.questions) == 1
    assert library.experiments.get(first.id).config["num_epochs"] == 3
    assert window.detail.experiment().id == second.id
    window.select_experiment(first.id)
    assert config_tab(window).form.values()["num_epochs"] == 3


def test_stay_keeps_the_edits_and_the_edited_experiment_selected(
        library: Library, window: MainWindow, prompts: FakePrompts, edited) -> None:
    first, second = edited
    prompts.unsaved_answer = STAY
    window.select_experiment(second.id)
    assert len(prompts.questions) == 1
    assert window.list_panel.current_record().id == first.id
    assert window.detail.experiment().id == first.id
    tab = config_tab(window)
    assert tab.is_editing() and tab.form.values()["num_epochs"] == 42
    assert library.experiments.get(first.id).config["num_epochs"] == 3


def test_an_edit_without_changes_switches_without_asking(
        library: Library, window: MainWindow, prompts: FakePrompts) -> None:
    first = library.experiments.create("first")
    second = library.experiments.create("second")
    window.controller.reload()
    window.select_experiment(first.id)
    window.detail.tabs.setCurrentIndex(CONFIG)
    config_tab(window).start_edit()
    window.select_experiment(second.id)
    assert prompts.questions == []
    assert window.detail.experiment().id == second.id


def test_closing_the_window_mid_edit_asks_and_stay_keeps_it_open(
        library: Library, window: MainWindow, prompts: FakePrompts, edited) -> None:
    first, _ = edited
    prompts.unsaved_answer = STAY
    assert not window.close()
    assert window.isVisible() and config_tab(window).is_editing()
    prompts.unsaved_answer = SAVE
    assert window.close()
    assert library.experiments.get(first.id).config["num_epochs"] == 42


def test_the_real_question_offers_save_discard_and_cancel(qtbot: QtBot) -> None:
    box = unsaved_config_question(None, "first")
    qtbot.addWidget(box)
    buttons = box.standardButtons()
    for button in (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard,
                   QMessageBox.StandardButton.Cancel):
        assert buttons & button
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert "“first”" in box.text()


@pytest.mark.parametrize(("button", "answer"), [
    ("Save", SAVE), ("Discard", DISCARD), ("Cancel", STAY)])
def test_the_real_prompt_maps_each_button_to_its_answer(
        qtbot: QtBot, button: str, answer: str) -> None:
    box = unsaved_config_question(None, "first")
    qtbot.addWidget(box)
    QTimer.singleShot(0, box.button(getattr(QMessageBox.StandardButton, button)).click)
    assert Prompts().save_discard_or_stay(None, box) == answer
