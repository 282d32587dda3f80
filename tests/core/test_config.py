from __future__ import annotations

import pytest

from musiclab_desktop.core.config import (
    GROUPS,
    TrainingConfig,
    config_fields,
    diff_override,
    merge_override,
    parse_assignment,
    validate_values,
)
from musiclab_desktop.core.errors import ValidationError


def test_defaults_follow_the_published_musicgen_lora_recipe() -> None:
    config = TrainingConfig()
    assert config.learning_rate == 2e-4
    assert config.num_epochs == 4
    assert (config.batch_size, config.gradient_accumulation_steps) == (2, 8)
    assert (config.adam_beta1, config.adam_beta2) == (0.9, 0.99)
    assert config.weight_decay == 0.1
    assert config.max_grad_norm == 1.0
    assert config.segment_seconds == 30.0
    assert (config.lora_r, config.lora_alpha, config.lora_dropout) == (16, 16, 0.05)
    assert config.lora_targets() == ["q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"]
    assert config.gradient_checkpointing is True
    assert (config.precision, config.device) == ("auto", "auto")


def test_every_field_has_a_group_a_label_and_a_real_tooltip() -> None:
    fields = config_fields()
    assert {f.spec.group for f in fields} == set(GROUPS)
    for f in fields:
        assert f.spec.label
        assert len(f.spec.tooltip.split()) >= 6, f.name
        if f.type in (int, float):
            assert f.spec.minimum is not None and f.spec.maximum is not None, f.name
            assert f.spec.minimum <= f.default <= f.spec.maximum, f.name


def test_validation_gives_one_message_per_bad_field() -> None:
    errors = validate_values({"lora_r": 0, "device": "gpu", "batch_size": 2.5, "bogus": 1})
    assert set(errors) == {"lora_r", "device", "batch_size", "bogus"}
    with pytest.raises(ValidationError) as caught:
        TrainingConfig.from_dict({"learning_rate": 1.0, "num_epochs": -1})
    assert set(caught.value.field_errors) == {"learning_rate", "num_epochs"}


def test_cross_field_rules() -> None:
    errors = validate_values({"lora_target_modules": "q_proj,conv9", "min_segment_seconds": 31.0,
                              "segment_seconds": 30.0})
    assert "conv9" in errors["lora_target_modules"]
    assert "min_segment_seconds" in errors


def test_override_stores_only_changed_keys_and_merges_over_the_base() -> None:
    base = TrainingConfig(learning_rate=1e-4).to_dict()
    edited = {**base, "lora_r": 8, "learning_rate": 1e-4}
    assert diff_override(base, edited) == {"lora_r": 8}
    assert diff_override(base, dict(base)) is None
    effective = merge_override(base, {"lora_r": 8})
    assert (effective.lora_r, effective.learning_rate) == (8, 1e-4)


def test_int_given_for_float_is_accepted_and_stored_as_float() -> None:
    config = TrainingConfig.from_dict({"segment_seconds": 10})
    assert isinstance(config.segment_seconds, float)


def test_parse_assignment_coerces_to_the_field_type() -> None:
    assert parse_assignment("lora_r=8") == ("lora_r", 8)
    assert parse_assignment("learning_rate=1e-4") == ("learning_rate", 1e-4)
    assert parse_assignment("gradient_checkpointing=off") == ("gradient_checkpointing", False)
    with pytest.raises(ValidationError):
        parse_assignment("lora_r=eight")
    with pytest.raises(ValidationError):
        parse_assignment("nothing=1")
