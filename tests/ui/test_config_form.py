"""ConfigForm: generated from config_fields(), grouped, with tooltips, bounds and override mode."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.config import GROUPS, TrainingConfig, config_fields, default_config
from musiclab_desktop.ui.config_form import ConfigForm

FIELDS = config_fields()


@pytest.fixture
def form(qtbot: QtBot) -> ConfigForm:
    widget = ConfigForm(default_config(), read_only=False)
    qtbot.addWidget(widget)
    widget.resize(900, 900)
    widget.show()
    return widget


def test_fields_are_grouped_in_training_lora_and_hardware_boxes(form: ConfigForm) -> None:
    boxes = form.findChildren(QGroupBox)
    assert [box.title() for box in boxes] == list(GROUPS) == ["Training", "LoRA", "Hardware"]
    for field in FIELDS:
        box = form.groups[field.spec.group]
        assert box.isAncestorOf(form.editor(field.name)), field.name


def test_every_field_and_its_label_carry_the_tooltip(form: ConfigForm) -> None:
    assert form.objectName() == "configForm"
    for field in FIELDS:
        editor = form.findChild(type(form.editor(field.name)), f"config_{field.name}")
        assert editor is form.editor(field.name)
        # The target layers' tooltip adds each layer's cost for the current settings.
        assert editor.toolTip().startswith(field.spec.tooltip) and field.spec.tooltip
        assert form.label(field.name).toolTip() == editor.toolTip()
        assert form.label(field.name).text() == field.spec.label


def test_each_type_gets_its_editor_with_the_spec_bounds(form: ConfigForm) -> None:
    for field in FIELDS:
        editor = form.editor(field.name)
        spec = field.spec
        if field.type is bool:
            assert isinstance(editor, QCheckBox)
        elif field.type is int:
            assert isinstance(editor, QSpinBox)
            assert editor.minimum() == spec.minimum and editor.maximum() == spec.maximum
            assert editor.singleStep() == spec.step
        elif field.type is float:
            assert isinstance(editor, QDoubleSpinBox)
            assert editor.minimum() == pytest.approx(spec.minimum)
            assert editor.maximum() == pytest.approx(spec.maximum)
            assert editor.decimals() == spec.decimals
        elif spec.choices:
            assert isinstance(editor, QComboBox)
            assert [editor.itemText(i) for i in range(editor.count())] == list(spec.choices)
        elif spec.multiline:
            assert isinstance(editor, QPlainTextEdit)
        else:
            assert isinstance(editor, QLineEdit)
    assert isinstance(form.editor("sample_prompts"), QPlainTextEdit)


def test_defaults_are_prefilled_and_read_back_exactly(qtbot: QtBot) -> None:
    form = ConfigForm()
    qtbot.addWidget(form)
    assert form.values() == TrainingConfig().to_dict()
    assert form.is_valid()


def test_set_values_round_trips_every_type(form: ConfigForm) -> None:
    values = {**default_config(), "learning_rate": 3.5e-5, "num_epochs": 9, "lr_scheduler":
              "linear", "compile_model": True, "sample_prompts": "a\nb", "warmup_ratio": 0.125,
              "base_model": "/models/musicgen"}
    form.set_values(values)
    assert form.values() == values


def test_out_of_range_values_cannot_be_entered(form: ConfigForm, qtbot: QtBot) -> None:
    epochs = form.editor("num_epochs")
    epochs.setValue(5000)
    assert form.values()["num_epochs"] == 1000
    dropout = form.editor("lora_dropout")
    dropout.setValue(0.9)
    assert form.values()["lora_dropout"] == 0.5


def test_learning_rate_accepts_scientific_notation(form: ConfigForm, qtbot: QtBot) -> None:
    lr = form.editor("learning_rate")
    lr.lineEdit().selectAll()
    qtbot.keyClicks(lr, "3e-5")
    lr.interpretText()
    assert form.values()["learning_rate"] == pytest.approx(3e-5)
    assert lr.text() == "3e-05"


def test_cross_field_problems_are_flagged_inline(form: ConfigForm) -> None:
    form.editor("segment_seconds").setValue(10.0)
    form.editor("min_segment_seconds").setValue(20.0)
    assert "min_segment_seconds" in form.field_errors()
    row = form.rows["min_segment_seconds"]
    assert row.error_label.isVisible()
    assert "segment length" in row.error_label.text()
    assert form.editor("min_segment_seconds").property("invalid") is True
    form.editor("min_segment_seconds").setValue(5.0)
    assert form.is_valid()
    assert not row.error_label.isVisible()


def test_field_errors_from_core_are_mapped_to_their_fields(form: ConfigForm) -> None:
    form.set_field_errors({"lora_target_modules": "unknown layer foo", "not_a_field": "x"})
    assert form.field_errors() == {"lora_target_modules": "unknown layer foo"}
    assert form.rows["lora_target_modules"].error_label.text() == "Unknown layer foo."


def test_read_only_blocks_edits_until_enabled(form: ConfigForm) -> None:
    form.set_read_only(True)
    assert form.is_read_only()
    assert form.editor("num_epochs").isReadOnly()
    assert form.editor("base_model").isReadOnly()
    assert not form.editor("device").isEnabled()
    assert not form.editor("compile_model").isEnabled()
    form.set_read_only(False)
    assert not form.editor("num_epochs").isReadOnly()
    assert form.editor("device").isEnabled()


def test_changed_signal_fires_on_edits_not_on_set_values(form: ConfigForm, qtbot: QtBot) -> None:
    with qtbot.assertNotEmitted(form.changed):
        form.set_values({"num_epochs": 7})
    with qtbot.waitSignal(form.changed, timeout=1000):
        form.editor("num_epochs").setValue(8)


def test_override_mode_marks_changed_fields_and_returns_only_them(form: ConfigForm) -> None:
    baseline = {**default_config(), "lora_r": 32, "learning_rate": 1e-4}
    form.set_values(baseline)
    form.set_baseline(baseline)
    assert form.changed_values() == {}
    assert form.changed_fields() == []
    form.editor("num_epochs").setValue(10)
    form.editor("device").setCurrentText("cpu")
    assert form.changed_values() == {"num_epochs": 10, "device": "cpu"}
    assert form.label("num_epochs").font().bold()
    assert form.label("num_epochs").property("changed") is True
    assert not form.label("lora_r").font().bold()
    reset = form.rows["num_epochs"].reset_button
    assert reset.objectName() == "reset_num_epochs" and reset.isVisible()
    assert not form.rows["lora_r"].reset_button.isVisible()
    reset.click()
    assert form.values()["num_epochs"] == baseline["num_epochs"]
    assert form.changed_values() == {"device": "cpu"}
    assert not form.label("num_epochs").font().bold()


def test_leaving_override_mode_clears_the_marks(form: ConfigForm) -> None:
    form.set_baseline(default_config())
    form.editor("seed").setValue(7)
    assert form.changed_fields() == ["seed"]
    form.set_baseline(None)
    assert form.changed_fields() == []
    assert not form.label("seed").font().bold()
    assert not form.rows["seed"].reset_button.isVisible()


def test_the_form_reflows_to_one_column_when_narrow(form: ConfigForm, qtbot: QtBot) -> None:
    form.resize(500, 900)
    qtbot.wait(10)
    narrow = form.editor("seed").mapTo(form, form.editor("seed").rect().topLeft()).x()
    form.resize(1100, 900)
    qtbot.wait(10)
    assert form.editor("seed").mapTo(form, form.editor("seed").rect().topLeft()).x() > narrow
