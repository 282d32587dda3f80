"""The published recipe's extra LoRA targets train, and the form's parameter count (no
torch, from config.json) matches what peft makes trainable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from musiclab_desktop.core.config import ALL_LORA_TARGETS, RECIPE_TARGETS, TrainingConfig
from musiclab_desktop.core.lora_size import dims_from_config, lora_parameter_count
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


def _config(targets: tuple[str, ...], **overrides: object) -> TrainingConfig:
    return TrainingConfig.from_dict(
        {
            "lora_target_modules": ",".join(targets),
            "lora_r": 4,
            "lora_dropout": 0.0,
            "warmup_ratio": 0.0,
            "lr_scheduler": "constant",
            "gradient_checkpointing": False,
            **overrides,
        }
    )


@pytest.mark.parametrize(
    "targets",
    [
        ("q_proj", "v_proj"),
        RECIPE_TARGETS,
        ALL_LORA_TARGETS,
    ],
    ids=["attention", "recipe-extras", "everything"],
)
def test_parameter_count_matches_peft(
    tiny_model_dir: Path, targets: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(targets)
    model = add_lora(load_musicgen(tiny_model_dir, CPU, FP32).model, config)
    model.print_trainable_parameters()
    printed = capsys.readouterr().out
    dims = dims_from_config(json.loads((tiny_model_dir / "config.json").read_text()))
    assert dims is not None

    estimate = lora_parameter_count(dims, config.lora_targets(), config.lora_r)

    assert f"trainable params: {estimate:,}" in printed, printed


def test_recipe_targets_train(tiny_model_dir: Path, tmp_path: Path) -> None:
    from musiclab_desktop.training.batching import BatchBuilder

    clips = read_manifest(write_dataset(tmp_path, count=2, seconds=1.0), print)
    loaded = load_musicgen(tiny_model_dir, CPU, FP32)
    codes, _ = encode_clips(clips, loaded, tmp_path / "cache", 10, print)
    config = _config(RECIPE_TARGETS, learning_rate=1e-2)
    torch.manual_seed(0)
    model = add_lora(loaded.model, config)
    set_train_mode(model)
    builder = BatchBuilder(
        codes, loaded.processor.tokenizer, model.get_base_model().decoder, loaded.pad_token_id
    )
    trainable = {
        name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad
    }
    optimizer = make_optimizer((p for p in model.parameters() if p.requires_grad), config, CPU)
    step = TrainStep(model, optimizer, make_scheduler(optimizer, config, 10), FP32, 1.0, CPU)
    batch = builder.build([Segment(0, 0, 40), Segment(1, 0, 40)])

    losses = [float(step.run([batch]).loss) for _ in range(10)]

    assert losses[-1] < losses[0], losses
    moved = {
        name.split(".lora_")[0]
        for name, p in model.named_parameters()
        if name in trainable and not torch.equal(p.detach(), trainable[name])
    }
    assert any("enc_to_dec_proj" in name for name in moved), moved
    assert any("lm_heads" in name for name in moved), moved
    assert any("embed_tokens" in name for name in moved), moved
