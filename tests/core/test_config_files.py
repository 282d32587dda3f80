"""Settings files (TOML, JSON, YAML) and the Hugging Face / peft names for settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from musiclab_desktop.core.config import TrainingConfig, default_config, parse_assignment
from musiclab_desktop.core.config_files import (
    FORMATS,
    config_file_text,
    parse_config_text,
    read_config_file,
    write_config_file,
)
from musiclab_desktop.core.errors import ValidationError

CHANGED = {
    "learning_rate": 1e-7,
    "lora_r": 8,
    "lora_target_modules": "q_proj,v_proj,lm_heads",
    "sample_prompts": 'calm piano\nan "odd" \\ caption, ünïcode',
    "gradient_checkpointing": False,
    "max_steps": 120,
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_written_file_reads_back_the_same_settings(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"recipe.{fmt}"

    write_config_file(path, CHANGED)

    assert read_config_file(path) == {**default_config(), **CHANGED}


@pytest.mark.parametrize("fmt", ["toml", "yaml"])
def test_the_defaults_file_explains_each_setting_in_comments(fmt: str) -> None:
    text = config_file_text({}, fmt)
    unwrapped = text.replace("\n# ", " ")

    assert "# Rank (r): Size of the low-rank update" in text
    assert "LR schedule: How the learning rate changes" in unwrapped
    assert "One of: cosine, linear, constant. Default: 'cosine'." in unwrapped
    assert parse_config_text(text, fmt) == default_config()


def test_hugging_face_and_peft_names_are_aliases() -> None:
    toml = """
num_train_epochs = 3
per_device_train_batch_size = 4
lr_scheduler_type = "linear"
logging_steps = 5
save_steps = 50
max_steps = -1

[lora]
r = 32
target_modules = ["q_proj", "v_proj", "enc_to_dec_proj"]
"""
    values = parse_config_text(toml, "toml")

    assert values == {
        "num_epochs": 3,
        "batch_size": 4,
        "lr_scheduler": "linear",
        "log_every_steps": 5,
        "save_every_steps": 50,
        "max_steps": 0,
        "lora_r": 32,
        "lora_target_modules": "q_proj,v_proj,enc_to_dec_proj",
    }
    assert TrainingConfig.from_dict(values).lora_targets() == [
        "q_proj",
        "v_proj",
        "enc_to_dec_proj",
    ]


def test_aliases_work_on_the_command_line_too() -> None:
    assert parse_assignment("r=8") == ("lora_r", 8)
    assert parse_assignment("max_steps=-1") == ("max_steps", 0)
    assert parse_assignment("target_modules=[q_proj, 'v_proj']") == (
        "lora_target_modules",
        "q_proj, v_proj",
    )
    assert TrainingConfig.from_dict({"num_train_epochs": 2, "r": 4}).num_epochs == 2


def test_generation_names_set_the_sample_settings() -> None:
    values = parse_config_text("guidance_scale = 4.5\ntop_k = 100\ntemperature = 0.9\n", "toml")

    assert values == {"sample_guidance_scale": 4.5, "sample_top_k": 100, "sample_temperature": 0.9}


def test_a_near_miss_gets_a_suggestion() -> None:
    with pytest.raises(ValidationError, match="did you mean 'learning_rate'"):
        parse_assignment("learnig_rate=1e-4")
    with pytest.raises(ValidationError, match="did you mean 'num_epochs'") as caught:
        TrainingConfig.from_dict({"num_train_epoch": 3})
    assert "num_train_epoch" in caught.value.field_errors
    with pytest.raises(ValidationError) as far:
        parse_assignment("banana=1")
    assert "did you mean" not in str(far.value)


def test_a_setting_given_under_two_names_is_refused() -> None:
    with pytest.raises(ValidationError, match="'r' and 'lora_r' both set lora_r"):
        parse_config_text('{"r": 8, "lora_r": 16}', "json")


def test_yaml_reads_exponents_as_numbers() -> None:
    # PyYAML (YAML 1.1) reads 2e-4 as text; the setting is a number all the same.
    assert parse_config_text("lr: 2e-4\nwarmup_ratio: 0.1\n", "yaml") == {
        "learning_rate": 2e-4,
        "warmup_ratio": 0.1,
    }


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.toml", "lora_r = ", "bad.toml is not valid TOML"),
        ("bad.json", "{", "bad.json is not valid JSON"),
        ("bad.yaml", "a: [", "bad.yaml is not valid YAML"),
        ("list.json", "[1, 2]", "must hold settings by name"),
        ("typed.toml", 'lora_r = "big"', "typed.toml: lora_r must be a whole number"),
        ("recipe.ini", "x=1", "ends in .toml, .json, .yaml or .yml"),
    ],
)
def test_a_bad_file_is_one_sentence(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)

    with pytest.raises(ValidationError, match=message):
        read_config_file(path)


def test_json_output_is_plain_json() -> None:
    assert json.loads(config_file_text({"lora_r": 4}, "json"))["lora_r"] == 4
