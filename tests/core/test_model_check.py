"""The base model is checked when a config is set: a warning that names the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.lora_size import model_dims, target_costs, trainable_parameters
from musiclab_desktop.core.model_check import base_model_warning, download_name


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "hub"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    return cache


def cache_model(hub: Path, repo: str, config: dict) -> None:
    folder = hub / f"models--{repo.replace('/', '--')}"
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text("abc")
    (folder / "snapshots" / "abc").mkdir(parents=True)
    (folder / "snapshots" / "abc" / "config.json").write_text(json.dumps(config))


MUSICGEN_CONFIG = {
    "model_type": "musicgen",
    "decoder": {
        "hidden_size": 64,
        "ffn_dim": 128,
        "num_hidden_layers": 2,
        "num_codebooks": 4,
        "vocab_size": 2048,
    },
    "text_encoder": {"d_model": 32},
}


def test_a_model_missing_from_the_cache_names_the_download(hub: Path) -> None:
    warning = base_model_warning("facebook/musicgen-small")

    assert warning is not None and str(hub) in warning
    assert "`hf download facebook/musicgen-small`" in warning
    cache_model(hub, "facebook/musicgen-small", MUSICGEN_CONFIG)
    assert base_model_warning("facebook/musicgen-small") is None


def test_a_short_name_is_pointed_at_the_real_repo(hub: Path) -> None:
    assert download_name("musicgen-small") == "facebook/musicgen-small"
    warning = base_model_warning("musicgen-small")
    assert warning is not None
    assert "did you mean 'facebook/musicgen-small'?" in warning
    assert "`hf download facebook/musicgen-small`" in warning


def test_folders_are_checked_for_a_musicgen_model(tmp_path: Path) -> None:
    assert "does not exist yet" in (base_model_warning(str(tmp_path / "nope")) or "")
    (tmp_path / "bert").mkdir()
    (tmp_path / "bert" / "config.json").write_text('{"model_type": "bert"}')
    assert "'bert' model" in (base_model_warning(str(tmp_path / "bert")) or "")
    (tmp_path / "mg").mkdir()
    (tmp_path / "mg" / "config.json").write_text(json.dumps(MUSICGEN_CONFIG))
    assert base_model_warning(str(tmp_path / "mg")) is None


def test_the_parameter_count_reads_sizes_from_the_cache_or_the_published_table(hub: Path) -> None:
    # musicgen-small, r 16, the six decoder targets: 24 layers x 16 x (8 x 2,048 + 2 x 5,120).
    assert trainable_parameters(TrainingConfig()) == 24 * 16 * (8 * 2048 + 2 * 5120)
    cache_model(hub, "me/tiny", MUSICGEN_CONFIG)
    tiny = TrainingConfig.from_dict({"base_model": "me/tiny", "lora_r": 2})
    assert model_dims("me/tiny") is not None
    costs = target_costs(tiny)
    assert costs is not None
    assert costs["lm_heads"] == 4 * 2 * (64 + 2048)
    assert costs["embed_tokens"] == 4 * 2 * (2049 + 64)
    assert costs["enc_to_dec_proj"] == 2 * (32 + 64)
    assert trainable_parameters(TrainingConfig.from_dict({"base_model": "me/unknown"})) is None
