"""Spec: Experiment Configuration Editing (view, edit and save, cancel) on the Config tab."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.detail.config_tab import ConfigTab
from musiclab_desktop.ui.detail.view import CONFIG
from musiclab_desktop.ui.main_window import MainWindow

from ui_kit import open_config_tab, toast_texts

CUSTOM = {"num_epochs": 6, "lora_r": 8}


@pytest.fixture
def experiment(library: Library) -> ExperimentRecord:
    return library.experiments.create("tuned", config=CUSTOM)


@pytest.fixture
def tab(window: MainWindow, experiment: ExperimentRecord) -> ConfigTab:
    return open_config_tab(window, experiment)


def _button(window: MainWindow, name: str) -> QPushButton:
    button = window.findChild(QPushButton, name)
    assert button is not None, name
    return button


def test_config_tab_shows_the_stored_config_read_only_with_an_edit_button(
        window: MainWindow, tab: ConfigTab) -> None:
    assert window.detail.tabs.objectName() == "experimentTabs"
    assert window.detail.tabs.tabText(CONFIG) == "Config"
    form = tab.form
    assert form.objectName() == "configForm"
    assert form.values() == {**TrainingConfig().to_dict(), **CUSTOM}
    assert form.is_read_only()
    assert [box.title() for box in form.groups.values()] == ["Training", "LoRA", "Hardware"]
    assert all(row.editor.widget.toolTip() for row in form.rows.values())
    assert _button(window, "editConfigButton").isVisible()
    assert not _button(window, "saveConfigButton").isVisible()
    assert not _button(window, "cancelConfigButton").isVisible()


def test_edit_then_save_stores_through_core_toasts_and_leaves_edit_mode(
        library: Library, window: MainWindow, tab: ConfigTab,
        experiment: ExperimentRecord) -> None:
    _button(window, "editConfigButton").click()
    assert tab.is_editing() and not tab.form.is_read_only()
    tab.form.editor("num_epochs").setValue(12)
    tab.form.editor("lr_scheduler").setCurrentText("constant")
    _button(window, "saveConfigButton").click()
    stored = library.experiments.get(experiment.id).config
    assert stored["num_epochs"] == 12 and stored["lr_scheduler"] == "constant"
    assert stored["lora_r"] == 8
    assert "Configuration saved" in toast_texts(window)
    assert not tab.is_editing() and tab.form.is_read_only()
    assert _button(window, "editConfigButton").isVisible()


def test_cancel_restores_the_stored_values_without_saving(
        library: Library, window: MainWindow, tab: ConfigTab,
        experiment: ExperimentRecord) -> None:
    _button(window, "editConfigButton").click()
    tab.form.editor("num_epochs").setValue(99)
    _button(window, "cancelConfigButton").click()
    assert tab.form.values()["num_epochs"] == 6
    assert library.experiments.get(experiment.id).config["num_epochs"] == 6
    assert not tab.is_editing()
    assert toast_texts(window) == []


def test_invalid_values_block_saving_and_are_flagged(
        library: Library, window: MainWindow, tab: ConfigTab,
        experiment: ExperimentRecord) -> None:
    tab.start_edit()
    tab.form.editor("segment_seconds").setValue(5.0)
    tab.form.editor("min_segment_seconds").setValue(10.0)
    assert not _button(window, "saveConfigButton").isEnabled()
    assert not tab.save()
    assert tab.is_editing()
    assert "min_segment_seconds" in tab.form.field_errors()
    assert library.experiments.get(experiment.id).config["segment_seconds"] == 30.0


def test_switching_experiment_leaves_edit_mode_and_shows_the_other_config(
        library: Library, window: MainWindow, tab: ConfigTab) -> None:
    other = library.experiments.create("plain")
    window.controller.reload()
    tab.start_edit()
    tab.form.editor("num_epochs").setValue(50)
    window.select_experiment(other.id)
    assert not tab.is_editing()
    assert tab.form.values() == TrainingConfig().to_dict()


def test_while_editing_fields_changed_from_the_saved_config_are_marked(
        tab: ConfigTab) -> None:
    tab.start_edit()
    tab.form.editor("seed").setValue(7)
    assert tab.form.changed_fields() == ["seed"]
    assert tab.form.label("seed").font().bold()
    tab.form.rows["seed"].reset_button.click()
    assert tab.form.values()["seed"] == 42
    tab.cancel()
    assert tab.form.baseline() is None
