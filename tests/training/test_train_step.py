"""The worker's training step: it learns, and accumulation weighs batches correctly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.training.batching import Batch, BatchBuilder
from musiclab_desktop.training.codes_cache import encode_clips
from musiclab_desktop.training.hardware import Precision
from musiclab_desktop.training.manifest import read_manifest
from musiclab_desktop.training.model_loading import add_lora, load_musicgen
from musiclab_desktop.training.schedule import make_optimizer, make_scheduler
from musiclab_desktop.training.segments import Segment
from musiclab_desktop.training.step import TrainStep, set_train_mode

from training_kit import write_dataset

CPU = torch.device("cpu")
FP32 = Precision("fp32", "cpu")


@pytest.fixture(scope="module")
def encoded(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("step-data")
    clips = read_manifest(write_dataset(folder, count=3, seconds=2.0), print)
    loaded = load_musicgen(tiny_model_dir, CPU, FP32)
    codes, _ = encode_clips(clips, loaded, folder / "cache", 10, print)
    return codes


def lora_setup(tiny_model_dir: Path, encoded, **overrides):
    config = TrainingConfig(
        lora_dropout=0.0,
        warmup_ratio=0.0,
        lr_scheduler="constant",
        gradient_checkpointing=False,
        **overrides,
    )
    loaded = load_musicgen(tiny_model_dir, CPU, FP32)
    torch.manual_seed(0)
    model = add_lora(loaded.model, config)
    set_train_mode(model)
    builder = BatchBuilder(
        encoded, loaded.processor.tokenizer, model.get_base_model().decoder, loaded.pad_token_id
    )
    return config, model, builder


def segments(*clip_indices: int, length: int = 100) -> list[Segment]:
    return [Segment(index, 0, length) for index in clip_indices]


def test_loss_falls_on_a_small_repeated_batch(tiny_model_dir: Path, encoded) -> None:
    config, model, builder = lora_setup(tiny_model_dir, encoded, learning_rate=3e-2)
    optimizer = make_optimizer((p for p in model.parameters() if p.requires_grad), config, CPU)
    step = TrainStep(model, optimizer, make_scheduler(optimizer, config, 30), FP32, 1.0, CPU)
    batch = builder.build(segments(0, 1, length=50))

    losses = [float(step.run([batch]).loss) for _ in range(30)]

    assert all(torch.isfinite(torch.tensor(losses)))
    assert sum(losses[-5:]) / 5 < losses[0] - 0.5, losses


def test_accumulated_window_matches_one_big_batch(tiny_model_dir: Path, encoded) -> None:
    def update_after(windows: list[list[Batch]]) -> list[torch.Tensor]:
        _, model, builder = lora_setup(tiny_model_dir, encoded)
        params = [p for p in model.parameters() if p.requires_grad]
        before = [p.detach().clone() for p in params]
        # Plain SGD at lr 1 makes the update equal to minus the gradient.
        optimizer = torch.optim.SGD(params, lr=1.0)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda _: 1.0)
        step = TrainStep(model, optimizer, scheduler, FP32, 0.0, CPU)
        step.run([builder.build(group) for group in windows])
        return [p.detach() - b for p, b in zip(params, before, strict=True)]

    together = update_after([segments(0, 1, 2)])
    accumulated = update_after([segments(0), segments(1, 2)])

    assert any(delta.abs().max() > 0 for delta in together)
    for one, other in zip(together, accumulated, strict=True):
        torch.testing.assert_close(one, other, rtol=1e-4, atol=1e-7)


def test_unconditional_batch_ignores_the_caption(tiny_model_dir: Path, encoded) -> None:
    _, model, builder = lora_setup(tiny_model_dir, encoded)
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda _: 1.0)
    step = TrainStep(model, optimizer, scheduler, FP32, 0.0, CPU)
    model.eval()

    def loss(caption_ids: int, unconditional: bool) -> float:
        batch = builder.build(segments(0), unconditional=unconditional)
        batch = replace(batch, input_ids=torch.full_like(batch.input_ids, caption_ids))
        with torch.no_grad():
            return float(step.loss(batch))

    assert loss(5, unconditional=True) == loss(9, unconditional=True)
    assert loss(5, unconditional=False) != loss(9, unconditional=False)
