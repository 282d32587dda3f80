"""The tiny offline MusicGen loads like a real checkpoint and gives varied codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from musiclab_desktop.training import tiny_model
from musiclab_desktop.training.audio import load_audio
from musiclab_desktop.training.codes_cache import encode_audio
from musiclab_desktop.training.hardware import Precision
from musiclab_desktop.training.model_loading import load_musicgen

from training_kit import synth_clip


@pytest.fixture(scope="module")
def loaded(tiny_model_dir: Path):
    return load_musicgen(tiny_model_dir, torch.device("cpu"), Precision("fp32", "cpu"))


def test_folder_is_small_and_loads_through_the_normal_code(loaded, tiny_model_dir: Path) -> None:
    size = sum(path.stat().st_size for path in tiny_model_dir.iterdir())
    assert size < 10_000_000
    assert loaded.sampling_rate == 32_000
    assert loaded.frame_rate == 50
    assert loaded.num_codebooks == 4
    assert loaded.pad_token_id == 2048
    assert loaded.model.generation_config.decoder_start_token_id == 2048
    tokens = loaded.processor(text=["calm piano with strings"], return_tensors="pt")
    assert tokens["input_ids"].shape[1] > 3
    assert (tokens["input_ids"] != loaded.processor.tokenizer.unk_token_id).all()


def test_codes_vary_with_the_audio(loaded, tmp_path: Path) -> None:
    low = load_audio(synth_clip(tmp_path / "low.wav", 0, 2.0), 32_000, 1)
    high = load_audio(synth_clip(tmp_path / "high.wav", 5, 2.0), 32_000, 1)

    low_codes, high_codes = encode_audio(low, loaded), encode_audio(high, loaded)

    assert low_codes.shape == (4, 100)  # 2 s at 50 frames/s
    for codebook in low_codes:
        assert len(np.unique(codebook)) > 10
    assert (low_codes != high_codes).mean() > 0.5


def test_stereo_model_interleaves_channel_codebooks(tmp_path: Path) -> None:
    folder = tiny_model.build_tiny_musicgen(tmp_path / "stereo", audio_channels=2)
    stereo = load_musicgen(folder, torch.device("cpu"), Precision("fp32", "cpu"))
    audio = load_audio(synth_clip(tmp_path / "clip.wav", 2, 1.0, stereo=True), 32_000, 2)
    left_only = np.stack([audio[0], audio[0]])

    codes = encode_audio(audio, stereo)
    left_codes = encode_audio(left_only, stereo)

    assert stereo.num_codebooks == 8 and codes.shape == (8, 50)
    # Even rows are the left channel's codebooks, odd rows the right channel's.
    assert (codes[0::2] == left_codes[0::2]).all()
    assert (codes[1::2] != left_codes[1::2]).any()


def test_command_line_prints_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert tiny_model.main([str(tmp_path / "cli")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "cli")
    assert (tmp_path / "cli" / "config.json").is_file()
