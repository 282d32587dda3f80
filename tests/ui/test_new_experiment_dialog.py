"""Spec: Experiment Configuration Form (creating with default and custom config)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.experiments import EXPERIMENT_NAME_MAX_LENGTH
from musiclab_desktop.ui.detail.view import CONFIG
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.new_experiment_dialog import NewExperimentDialog

from ui_kit import FakePrompts, record_opens, toast_texts


@pytest.fixture
def dialog(window: MainWindow, qtbot: QtBot) -> NewExperimentDialog:
    created = window.make_new_experiment_dialog()
    qtbot.addWidget(created)
    created.show()
    return created


def _only_experiment(library: Library):
    (record,) = library.experiments.list()
    return record


def test_ctrl_n_opens_the_new_experiment_dialog(window: MainWindow, qtbot: QtBot,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    opened = record_opens(monkeypatch, NewExperimentDialog)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == ["newExperimentDialog"]


def test_configuration_section_is_collapsed_until_expanded(dialog: NewExperimentDialog) -> None:
    toggle = dialog.config_toggle
    assert toggle.objectName() == "configSectionToggle"
    assert toggle.text() == "Training Configuration"
    assert not dialog.config_form.isVisible()
    toggle.click()
    assert dialog.is_config_expanded() and dialog.config_form.isVisible()
    titles = [box.title() for box in dialog.config_form.groups.values()]
    assert titles == ["Training", "LoRA", "Hardware"]
    for name, row in dialog.config_form.rows.items():
        assert row.editor.widget.toolTip(), name
    toggle.click()
    assert not dialog.config_form.isVisible()


def test_create_without_touching_the_config_stores_the_defaults(
        library: Library, window: MainWindow, dialog: NewExperimentDialog) -> None:
    assert dialog.name_edit.maxLength() == EXPERIMENT_NAME_MAX_LENGTH  # as core accepts
    dialog.name_edit.setText("defaults please")
    dialog.description_edit.setPlainText("plain recipe")
    dialog.create_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    record = _only_experiment(library)
    assert record.config == TrainingConfig().to_dict()
    assert record.description == "plain recipe"
    assert record.dataset_id is None
    window.on_experiment_created(dialog.created)
    assert window.list_panel.current_record().id == record.id
    assert toast_texts(window) == ["Created “defaults please”"]


def test_create_with_custom_config_and_dataset_shows_it_in_the_config_tab(
        library: Library, window: MainWindow, make_clips: Callable[..., Path],
        qtbot: QtBot) -> None:
    dataset = library.datasets.import_folder(make_clips(), name="tones").dataset
    dialog = window.make_new_experiment_dialog()
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("custom")
    dialog.dataset_picker.select_dataset(dataset.id)
    dialog.config_toggle.click()
    form = dialog.config_form
    form.editor("learning_rate").setValue(1e-4)
    form.editor("lora_r").setValue(32)
    form.editor("precision").setCurrentText("fp16")
    form.editor("gradient_checkpointing").setChecked(False)
    dialog.submit()
    record = _only_experiment(library)
    expected = {**TrainingConfig().to_dict(), "learning_rate": 1e-4, "lora_r": 32,
                "precision": "fp16", "gradient_checkpointing": False}
    assert record.config == expected
    assert record.dataset_id == dataset.id
    window.on_experiment_created(dialog.created)
    window.detail.tabs.setCurrentIndex(CONFIG)
    assert window.detail.config_tab.form.values() == expected


def test_a_taken_name_is_flagged_on_the_name_field(
        library: Library, dialog: NewExperimentDialog) -> None:
    library.experiments.create("taken")
    dialog.name_edit.setText("taken")
    dialog.submit()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.name_error.isVisible()
    assert "already exists" in dialog.name_error.text()
    assert len(library.experiments.list()) == 1


def test_an_empty_name_is_refused_inline(dialog: NewExperimentDialog) -> None:
    dialog.submit()
    assert dialog.name_error.isVisible()
    assert "needs a name" in dialog.name_error.text()


def test_invalid_config_expands_the_section_and_creates_nothing(
        library: Library, dialog: NewExperimentDialog) -> None:
    dialog.name_edit.setText("bad config")
    dialog.config_form.editor("lora_target_modules").setText("q_proj,nonsense")
    dialog.submit()
    assert dialog.is_config_expanded()
    assert "lora_target_modules" in dialog.config_form.field_errors()
    assert library.experiments.list() == []


def test_import_folder_from_the_dataset_combo(
        library: Library, dialog: NewExperimentDialog, prompts: FakePrompts, qtbot: QtBot,
        make_clips: Callable[..., Path]) -> None:
    prompts.folder = str(make_clips("fresh"))
    picker = dialog.dataset_picker
    import_row = picker.count() - 1
    assert picker.itemText(import_row) == "Import folder…"
    with qtbot.waitSignal(picker.imported, timeout=20_000):
        picker.activated.emit(import_row)
    (dataset,) = library.datasets.list()
    assert dataset.name == "fresh"
    assert picker.dataset_id() == dataset.id
    assert any("Imported “fresh”" in text for text in toast_texts(dialog))


def test_a_failed_import_shows_the_reason(
        dialog: NewExperimentDialog, prompts: FakePrompts, qtbot: QtBot, tmp_path: Path) -> None:
    empty = tmp_path / "no-audio"
    empty.mkdir()
    prompts.folder = str(empty)
    with qtbot.waitSignal(dialog.dataset_picker.importer.failed, timeout=20_000):
        dialog.dataset_picker.start_import()
    assert "No audio clips" in prompts.errors[0][1]
    assert dialog.dataset_picker.dataset_id() is None


def test_fields_changed_from_the_defaults_are_marked(dialog: NewExperimentDialog) -> None:
    dialog.config_toggle.click()
    dialog.config_form.editor("lora_r").setValue(32)
    assert dialog.config_form.changed_values() == {"lora_r": 32}
    assert dialog.config_form.rows["lora_r"].reset_button.isVisible()
    dialog.reset_config_button.click()
    assert dialog.config_form.changed_values() == {}
