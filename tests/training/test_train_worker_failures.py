"""Failures the worker reports as one error event and exit code 1, before heavy work."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.core import protocol

from training_kit import FAST_CONFIG, run_worker, write_dataset, write_spec


def only_error(result) -> protocol.Event:
    assert result.returncode == protocol.EXIT_FAILED, result.terminal[-2000:]
    errors = result.of_type(protocol.ErrorEvent)
    assert len(errors) == 1 and result.events[-1] is errors[0]
    return errors[0]


def test_uncached_hub_model_fails_at_once_with_what_to_do(tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path / "clips", count=1)
    spec = write_spec(
        tmp_path / "run", dataset, {**FAST_CONFIG, "base_model": "facebook/musicgen-small"}
    )
    empty_cache = tmp_path / "hf-cache"

    result = run_worker(spec, timeout=60, HF_HUB_CACHE=str(empty_cache))

    error = only_error(result)
    assert error.kind == "model_unavailable"
    message = error.message
    assert "facebook/musicgen-small" in message
    assert str(empty_cache) in message
    assert "huggingface-cli download facebook/musicgen-small" in message
    # It failed before any phase: nothing was loaded.
    assert result.of_type(protocol.PhaseEvent) == []
    assert message in result.terminal


def test_missing_model_folder_is_model_unavailable(tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path / "clips", count=1)
    missing = tmp_path / "no-such-model"
    spec = write_spec(tmp_path / "run", dataset, {**FAST_CONFIG, "base_model": str(missing)})

    error = only_error(run_worker(spec, timeout=60))

    assert error.kind == "model_unavailable"
    assert str(missing) in error.message


def test_dataset_without_usable_clips_is_a_data_error(tmp_path: Path, tiny_model_dir: Path) -> None:
    dataset = write_dataset(tmp_path / "clips", count=0, corrupt=2)
    spec = write_spec(tmp_path / "run", dataset, {**FAST_CONFIG, "base_model": str(tiny_model_dir)})

    result = run_worker(spec, timeout=60)

    assert only_error(result).kind == "data"
    assert "corrupt-0.wav" in result.terminal and "corrupt-1.wav" in result.terminal


def test_invalid_config_is_a_config_error(tmp_path: Path, tiny_model_dir: Path) -> None:
    dataset = write_dataset(tmp_path / "clips", count=1)
    config = {**FAST_CONFIG, "base_model": str(tiny_model_dir), "learning_rate": -1.0}
    spec = write_spec(tmp_path / "run", dataset, config)

    error = only_error(run_worker(spec, timeout=60))

    assert error.kind == "config"
    assert "learning_rate" in error.message
