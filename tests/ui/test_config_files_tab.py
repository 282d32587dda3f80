"""The Config tab's config files (import and export, three formats) and the LoRA
parameter count shown in the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.lora_size import lora_parameter_count, model_dims
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.config_form import ConfigForm
from musiclab_desktop.ui.detail.config_tab import ConfigTab
from musiclab_desktop.ui.main_window import MainWindow

from ui_kit import FakePrompts, open_config_tab

TUNED = {"num_epochs": 6, "lora_r": 8, "learning_rate": 3e-4,
         "lora_target_modules": "q_proj,v_proj,lm_heads"}


@pytest.fixture
def experiment(library: Library) -> ExperimentRecord:
    return library.experiments.create("tuned", config=TUNED)


@pytest.fixture
def tab(window: MainWindow, experiment: ExperimentRecord) -> ConfigTab:
    return open_config_tab(window, experiment)


@pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml"])
def test_export_then_import_round_trips_the_settings(
        qtbot: QtBot, tab: ConfigTab, prompts: FakePrompts, library: Library,
        experiment: ExperimentRecord, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"tuned{suffix}"
    prompts.save_path = str(path)
    tab.export_action.trigger()  # Config file > Export…
    assert path.is_file() and prompts.errors == []
    exported = tab.form.values()
    # Another experiment imports the file: its form holds the same settings.
    other = library.experiments.create("fresh")
    window = tab.window()
    assert isinstance(window, MainWindow)
    window.controller.reload()
    window.select_experiment(other.id)
    assert tab.form.values()["lora_r"] != TUNED["lora_r"]
    prompts.open_path = str(path)
    tab.import_action.trigger()  # Config file > Import…
    assert prompts.errors == []
    assert tab.is_editing()  # nothing stored until Save
    assert tab.form.values() == exported
    assert library.experiments.get(other.id).config.get("lora_r") != 8
    assert tab.save()
    stored = TrainingConfig.from_dict(library.experiments.get(other.id).config)
    for name, value in TUNED.items():
        assert getattr(stored, name) == value, name


def test_importing_hugging_face_names_and_a_typo(
        tab: ConfigTab, prompts: FakePrompts, tmp_path: Path) -> None:
    good = tmp_path / "hf.toml"
    good.write_text('num_train_epochs = 3\nr = 32\ntarget_modules = ["q_proj", "fc1"]\n')
    prompts.open_path = str(good)
    assert tab.import_config()
    values = tab.form.values()
    assert (values["num_epochs"], values["lora_r"]) == (3, 32)
    assert values["lora_target_modules"] == "q_proj,fc1"
    tab.cancel()
    bad = tmp_path / "typo.json"
    bad.write_text('{"learning_rat": 0.001}')
    prompts.open_path = str(bad)
    assert not tab.import_config()
    title, message = prompts.errors[-1]
    assert title == "Cannot import the settings"
    assert "learning_rate" in message  # did you mean
    assert not tab.is_editing()


def test_the_form_shows_the_trainable_parameter_count(qtbot: QtBot) -> None:
    form = ConfigForm({"base_model": "facebook/musicgen-small", "lora_r": 16,
                       "lora_target_modules": "q_proj,v_proj"})
    qtbot.addWidget(form)
    form.show()
    label = form.findChild(QLabel, "loraParameterCount")
    dims = model_dims("facebook/musicgen-small")
    assert dims is not None
    expected = lora_parameter_count(dims, ["q_proj", "v_proj"], 16)
    assert f"({expected:,})" in label.text()
    assert label.isVisible()
    # Editing the rank or the targets updates it at once.
    form.editor("lora_r").setValue(8)  # type: ignore[attr-defined]
    form.editor("lora_target_modules").setText("q_proj,v_proj,embed_tokens")  # type: ignore[attr-defined]
    expected = lora_parameter_count(dims, ["q_proj", "v_proj", "embed_tokens"], 8)
    assert f"({expected:,})" in label.text()
    # The targets' tooltip says what each one costs, the recipe's three included.
    tip = form.editor("lora_target_modules").toolTip()
    for target in ("enc_to_dec_proj", "lm_heads", "embed_tokens"):
        assert target in tip.split("\n\n", 1)[1]
    assert "✓ embed_tokens" in tip


def test_an_unknown_model_says_the_count_comes_after_download(qtbot: QtBot,
                                                              tmp_path: Path) -> None:
    form = ConfigForm({"base_model": str(tmp_path / "not-here")})
    qtbot.addWidget(form)
    label = form.findChild(QLabel, "loraParameterCount")
    assert "unknown until" in label.text()


def test_a_base_model_not_at_hand_is_a_warning_naming_the_fix(
        tab: ConfigTab, library: Library, experiment: ExperimentRecord,
        tmp_path: Path) -> None:
    tab.start_edit()
    tab.form.editor("base_model").setText("musicgen-small")  # type: ignore[attr-defined]
    assert tab.save()  # a warning, not a refusal
    assert library.experiments.get(experiment.id).config["base_model"] == "musicgen-small"
    warning = tab.model_warning
    assert warning.isVisible()
    assert "facebook/musicgen-small" in warning.text()
    # A local model folder that holds a config.json is at hand: no warning.
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "musicgen"}')
    tab.start_edit()
    tab.form.editor("base_model").setText(str(folder))  # type: ignore[attr-defined]
    assert tab.save()
    assert not warning.isVisible()
