"""The codebook delay pattern on hand-made code sequences."""

from __future__ import annotations

import pytest
import torch
from transformers import MusicgenDecoderConfig, MusicgenForCausalLM

from musiclab_desktop.training.delay_pattern import IGNORE_INDEX, delayed_labels

PAD = 2048


def make_decoder(audio_channels: int = 1) -> MusicgenForCausalLM:
    config = MusicgenDecoderConfig(
        vocab_size=PAD,
        hidden_size=8,
        ffn_dim=8,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_codebooks=4 * audio_channels,
        audio_channels=audio_channels,
    )
    return MusicgenForCausalLM(config)


@pytest.fixture(scope="module")
def mono_decoder() -> MusicgenForCausalLM:
    return make_decoder()


def hand_made_codes(frames: int, codebooks: int = 4) -> torch.Tensor:
    # Code 100 * codebook + frame: every value says where it came from.
    return torch.tensor([[100 * k + t for t in range(frames)] for k in range(codebooks)])


def test_codebook_k_is_shifted_right_by_k_frames(mono_decoder: MusicgenForCausalLM) -> None:
    codes = hand_made_codes(6)
    labels = delayed_labels(mono_decoder, codes.unsqueeze(0), PAD)[0]  # (frames, codebooks)

    expected = [
        [0, PAD, PAD, PAD],
        [1, 100, PAD, PAD],
        [2, 101, 200, PAD],
        [3, 102, 201, 300],
        [4, 103, 202, 301],
        [5, 104, 203, 302],
    ]
    assert labels.tolist() == expected


def test_padding_stays_ignored_and_is_delayed_too(mono_decoder: MusicgenForCausalLM) -> None:
    codes = torch.full((2, 4, 6), IGNORE_INDEX)
    codes[0] = hand_made_codes(6)
    codes[1, :, :3] = hand_made_codes(3)  # a shorter clip padded with -100

    labels = delayed_labels(mono_decoder, codes, PAD)

    assert labels.shape == (2, 6, 4)
    assert labels[1].tolist() == [
        [0, PAD, PAD, PAD],
        [1, 100, PAD, PAD],
        [2, 101, 200, PAD],
        [IGNORE_INDEX, 102, 201, 300],
        [IGNORE_INDEX, IGNORE_INDEX, 202, 301],
        [IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, 302],
    ]
    assert labels[0].tolist() == delayed_labels(mono_decoder, codes[:1], PAD)[0].tolist()


def test_stereo_pairs_share_a_delay() -> None:
    decoder = make_decoder(audio_channels=2)
    codes = hand_made_codes(4, codebooks=8)  # interleaved L0 R0 L1 R1 ...

    labels = delayed_labels(decoder, codes.unsqueeze(0), PAD)[0]

    # Left and right of codebook k are both delayed by k frames.
    assert labels[:, 0].tolist() == [0, 1, 2, 3]
    assert labels[:, 1].tolist() == [100, 101, 102, 103]
    assert labels[:, 2].tolist() == [PAD, 200, 201, 202]
    assert labels[:, 3].tolist() == [PAD, 300, 301, 302]
    assert labels[:, 7].tolist() == [PAD, PAD, PAD, 700]
