"""The sample settings: on by default, bounded, explained, reachable by their common names."""

from __future__ import annotations

import pytest

from musiclab_desktop.core.config import (
    TrainingConfig,
    field_spec,
    parse_assignment,
    validate_values,
)
from musiclab_desktop.core.errors import ValidationError

SAMPLE_FIELDS = ("sample_enabled", "sample_prompts", "sample_every_steps", "sample_seconds",
                 "sample_guidance_scale", "sample_top_k", "sample_temperature")


def test_samples_are_on_by_default_with_musicgens_generation_defaults() -> None:
    config = TrainingConfig()
    assert config.sample_enabled is True
    assert config.prompts() == []  # empty: the run uses its dataset's captions
    assert config.sample_every_steps == 0  # automatic
    assert (config.sample_guidance_scale, config.sample_top_k, config.sample_temperature) == (
        3.0, 250, 1.0)
    assert 0 < config.sample_seconds <= 30


def test_every_sample_setting_is_explained() -> None:
    for name in SAMPLE_FIELDS:
        spec = field_spec(name)
        assert spec.group == "Training" and spec.label
        assert len(spec.tooltip.split()) >= 10, name
    assert "15 %" in field_spec("sample_every_steps").tooltip  # the budget is stated
    assert "dataset" in field_spec("sample_prompts").tooltip


@pytest.mark.parametrize(("name", "bad"), [
    ("sample_every_steps", -1), ("sample_top_k", 0), ("sample_top_k", 5000),
    ("sample_guidance_scale", 0.5), ("sample_temperature", 0.0), ("sample_seconds", 0.1),
    ("sample_seconds", 31.0), ("sample_enabled", 1), ("sample_every_steps", 2.5),
])
def test_out_of_bounds_or_mistyped_values_are_refused(name: str, bad: object) -> None:
    assert name in validate_values({name: bad})
    with pytest.raises(ValidationError):
        TrainingConfig.from_dict({name: bad})


def test_settings_parse_from_the_command_line_and_by_their_generation_names() -> None:
    assert parse_assignment("sample_enabled=off") == ("sample_enabled", False)
    assert parse_assignment("sample_every_steps=50") == ("sample_every_steps", 50)
    assert parse_assignment("guidance_scale=4.5") == ("sample_guidance_scale", 4.5)
    assert parse_assignment("top_k=100") == ("sample_top_k", 100)
    config = TrainingConfig.from_dict({"temperature": 0.8, "sample_enabled": False})
    assert (config.sample_temperature, config.sample_enabled) == (0.8, False)


def test_a_config_stored_before_the_sample_settings_existed_still_loads() -> None:
    old = {"sample_prompts": "calm piano", "sample_seconds": 8.0, "lora_r": 8}
    config = TrainingConfig.from_dict(old)
    assert config.sample_enabled and config.prompts() == ["calm piano"]
