"""The pieces of training/sampling.py that need no model: the kept random state and the
copies into the adapter folder."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch

from musiclab_desktop.training.sampling import Written, copy_to_adapter, random_state_kept


def draws() -> tuple[float, float, float]:
    return random.random(), float(np.random.rand()), float(torch.rand(1))


def test_a_sampling_round_leaves_every_random_stream_where_it_was() -> None:
    random.seed(1)
    np.random.seed(1)
    torch.manual_seed(1)
    expected = draws()
    random.seed(1)
    np.random.seed(1)
    torch.manual_seed(1)
    with random_state_kept(torch.device("cpu")):
        torch.manual_seed(12345)  # what a sample's seed does
        random.seed(5)
        np.random.seed(5)
        draws()
    assert draws() == expected


def test_the_end_round_is_copied_under_the_adapters_samples(tmp_path: Path) -> None:
    run = tmp_path / "run"
    relative = "samples/step-000010/sample-02-calm-piano.wav"
    (run / relative).parent.mkdir(parents=True)
    (run / relative).write_bytes(b"RIFF wav")
    copies = copy_to_adapter(run, tmp_path / "adapter",
                             [Written(1, "calm piano", relative)])
    assert copies == [("calm piano", "samples/sample-02-calm-piano.wav")]
    assert (tmp_path / "adapter" / copies[0][1]).read_bytes() == b"RIFF wav"
